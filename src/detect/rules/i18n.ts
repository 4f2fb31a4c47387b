/**
 * The same attacks in other languages: dropping previous instructions,
 * asking for the system prompt, claiming to be without rules, redefining
 * the model. Patterns are written over the normalised view (lower case,
 * Latin diacritics dropped: `précédentes` reads `precedentes`).
 * Languages: Spanish, French, German, Italian, Portuguese, Dutch, Polish,
 * Turkish, Indonesian, Vietnamese, Russian, Ukrainian, Chinese, Japanese,
 * Korean, Arabic, Hindi; and for dropping instructions and asking for the
 * system prompt also Swedish, Danish, Norwegian, Finnish, Czech, Slovak,
 * Romanian, Hungarian, Catalan, Croatian/Serbian/Slovene, Bulgarian, Greek,
 * Hebrew, Persian, Thai, Tagalog, Swahili and Bengali. Letters outside
 * Latin keep their marks (Greek accents, ø, æ, ł), as the normalised view does.
 */
import { any, rule, type PatternRule } from './rule.js';

const W = '[^.。!！?？\\n]';
/** Within one clause: a comma or a colon ends it ("ignore the previous e-mail, the instructions are attached"). */
const WC = '[^.。!！?？\\n,，、;；:：،؛]';
/** One more word in the same clause (no punctuation): `${T}{0,2}?` allows up to two words between. */
const T = '(?: [^\\s,.;:!?()"“”]+)';
const RO_CA_RULES = any('instructiun\\w*', 'regulile', 'reguli', 'indicatiile', 'directivele', 'instruccions', 'regles', 'indicacions');
const HE_RULES = any('הוראות', 'ההוראות', 'הנחיות', 'ההנחיות', 'כללים', 'הכללים', 'פקודות');
const FA_RULES = `${any('دستورالعمل', 'دستورات', 'دستور', 'قوانین', 'قواعد', 'رهنمود')}(?:ها|های)?`;
const FA_DROP = any('نادیده بگیر', 'نادیده بگیرید', 'فراموش کن', 'فراموش کنید');

export const I18N_RULES: readonly PatternRule[] = [
  rule('override/ignore-previous-i18n', 6, 'tells the model to drop its previous instructions (non-English)', [
    // es
    `(?<!\\bno )\\b${any('ignora (?:las|todas|tus|sus)', 'ignore (?:las|todas|sus|tus)', 'ignorar', 'ignoren', 'olvida', 'olvide', 'olvidar', 'olviden', 'omite', 'descarta', 'haz caso omiso (?:a|de)', 'no hagas caso (?:a|de)')}\\b${WC}{0,30}\\b${any('instrucciones', 'indicaciones', 'reglas', 'ordenes', 'directrices', 'restricciones')}\\b`,
    // fr
    `|(?<!\\bn['’])\\b${any('ignore (?:les|toutes|tes|vos|ces)', 'ignorez', 'ignorer', 'oublie', 'oubliez', 'oublier', 'ne tiens pas compte', 'ne tenez pas compte', 'fais abstraction', 'faites abstraction')}\\b${WC}{0,30}\\b${any('instructions', 'consignes', 'regles', 'directives', 'ordres', 'restrictions')}\\b`,
    // de
    `|\\b${any('ignoriere', 'ignorieren', 'ignorier', 'vergiss', 'vergessen sie', 'missachte', 'missachten sie', 'uberspringe')}\\b${WC}{0,40}${any('anweisungen', 'instruktionen', 'regeln', 'vorgaben', 'befehle', 'richtlinien', 'einschrankungen', 'anordnungen')}`,
    `|${any('vorherigen', 'vorigen', 'bisherigen', 'obigen', 'fruheren', 'alle')} ${any('anweisungen', 'instruktionen', 'regeln', 'vorgaben', 'befehle')}${WC}{0,30}\\b${any('ignorieren', 'vergessen', 'missachten')}\\b`,
    // it
    `|(?<!\\bnon )\\b${any('ignora (?:le|tutte|tue)', 'ignorare', 'ignorate', 'dimentica', 'dimenticare', 'dimenticate', 'trascura')}\\b${WC}{0,30}\\b${any('istruzioni', 'regole', 'indicazioni', 'direttive', 'restrizioni')}\\b`,
    // pt
    `|\\b${any('ignore (?:as|todas|suas)', 'ignora (?:as|todas|suas)', 'ignorar', 'ignorem', 'esqueca', 'esquecam', 'esquecer', 'desconsidere', 'desconsiderar')}\\b${WC}{0,30}\\b${any('instrucoes', 'regras', 'orientacoes', 'diretrizes', 'comandos', 'restricoes')}\\b`,
    // nl, pl, id/ms, tr, vi
    `|\\b${any('negeer', 'vergeet', 'negeren')}\\b${WC}{0,30}\\b${any('instructies', 'regels', 'aanwijzingen', 'opdrachten')}\\b`,
    `|(?<!\\bnie )\\b${any('zignoruj', 'ignoruj', 'zapomnij', 'pomin')}\\b${WC}{0,30}\\b${any('instrukcj\\w*', 'polecen\\w*', 'zasad\\w*', 'regul\\w*', 'wytyczn\\w*')}`,
    // "forget everything you were told": what was said to the model, not "everything you heard about diets"
    `|\\b${any(`vergiss alles,? was (?:man )?dir (?:${any('vorher', 'zuvor', 'bisher', 'davor', 'bis jetzt')} )?${any('gesagt', 'befohlen', 'vorgegeben', 'beigebracht', 'aufgetragen')}`, `oublie(?:z)? tout ce qu(?:'| )?on (?:t|vous)'a ${any('dit', 'demande', 'appris', 'ordonne')}(?! ${any('sur', 'a propos', 'au sujet', 'concernant', 'de')}\\b)`, `olvid[ae] todo lo que (?:te|le) ${any('dijeron', 'han dicho', 'dije', 'ordenaron', 'indicaron')}(?! ${any('sobre', 'acerca', 'de')}\\b)`, `dimentica tutto (?:quello )?che ti ${any('e stato detto', 'hanno detto', 'ho detto', 'hanno ordinato')}(?! ${any('su', 'sul', 'sulla', 'di')}\\b)`, `esqueca tudo (?:o )?que (?:te|lhe) ${any('disseram', 'foi dito', 'falaram', 'ordenaram')}(?! ${any('sobre', 'de')}\\b)`, `zapomnij (?:o )?wszystk\\w*,? co ci ${any('powiedziano', 'kazano', 'polecono')}`, `vergeet alles wat (?:je|jou) (?:eerder |tot nu toe )?(?:is )?${any('gezegd', 'verteld', 'opgedragen')}(?! over\\b)`)}`,
    `|${any('забудь', 'забудьте')} (?:про )?вс[её],? что тебе ${any('говорили', 'сказали', 'приказали', 'велели')}(?! (?:о|об|про)\\s)`,
    `|\\b${any('abaikan', 'lupakan', 'acuhkan')}\\b${WC}{0,30}\\b${any('instruksi', 'petunjuk', 'perintah', 'aturan', 'arahan')}\\b`,
    `|\\b${any('onceki', 'yukaridaki', 'tum', 'butun')}\\b${WC}{0,20}\\btalimat[a-zı]*${WC}{0,20}\\b${any('yok say', 'gormezden gel', 'unut', 'dikkate alma')}`,
    `|\\b${any('bo qua', 'phot lo', 'quen')}\\b${WC}{0,30}\\b${any('huong dan', 'chi dan', 'chi thi', 'quy tac', 'lenh', 'yeu cau')}\\b`,
    // ru, uk
    `|${any('игнорируй', 'проигнорируй', 'игнорируйте', 'игнорировать', 'забудь', 'забудьте', 'не обращай внимания на', 'пренебреги', 'ігноруй', 'проігноруй', 'забудь про')}${WC}{0,40}${any('инструкци', 'указани', 'правил', 'команд', 'ограничени', 'інструкці', 'вказівк', 'правил')}`,
    // zh, ja, ko
    `|${any('忽略', '无视', '忽视', '不要理会', '不要遵守', '忘记', '忘掉', '跳过', '無視', '忽略掉', '不理会', '抛开')}${WC}{0,12}${any('指令', '指示', '说明', '規則', '规则', '提示', '命令', '设定', '設定', '要求', '限制')}`,
    `|${any('指示', '命令', 'ルール', 'プロンプト', '設定', '制約')}${WC}{0,8}${any('無視', '忘れ')}`,
    `|${any('이전', '위의', '앞의', '모든', '기존')}${WC}{0,12}${any('지시', '명령', '지침', '규칙', '프롬프트')}${WC}{0,12}${any('무시', '잊어')}`,
    // ar, hi
    `|${any('تجاهل', 'انس', 'إنس', 'تجاهلي', 'اتجاهل')}${WC}{0,40}${any('التعليمات', 'الأوامر', 'القواعد', 'التوجيهات', 'تعليمات')}`,
    `|${any('पिछले', 'पिछली', 'सभी', 'ऊपर', 'पहले')}${WC}{0,25}${any('निर्देश', 'नियम', 'आदेश')}${WC}{0,25}${any('अनदेखा', 'भूल', 'नज़रअंदाज़', 'नजरअंदाज')}`,
    // The languages below need a qualifier ("all", "previous", "your") next to the noun, in one clause: "ignore the
    // previous e-mail, the instructions are attached" is a correction, not an override.
    // sv, da, no
    `|\\b${any('ignorera', 'glom', 'strunta i', 'bortse fran', 'ignorer', 'ignorere', 'glem', 'se bort fra', 'se bort fran')}\\b(?! (?:ikke|inte|ei)\\b)${T}{0,2}? ${any('alla', 'alle', 'tidigare', 'tidligere', 'foregaende', 'forrige', 'dina', 'dine', 'ovanstaende', 'ovenstaende', 'ursprungliga', 'opprinnelige', 'oprindelige')}${T}{0,1}? ${any('instruktioner\\w*', 'anvisningar\\w*', 'anvisninger\\w*', 'instruksjoner\\w*', 'instrukser\\w*', 'regler\\w*', 'riktlinjer\\w*', 'retningslinjer\\w*', 'direktiv\\w*', 'order')}`,
    // fi
    `|\\b${any('unohda', 'unohtakaa', 'ohita', 'ohittakaa', 'jata huomiotta', 'jattakaa huomiotta', 'sivuuta')}\\b${T}{0,1}? ${any('kaikki', 'aiemmat', 'aikaisemmat', 'edelliset', 'aiempia', 'aikaisempia', 'edellisia', 'alkuperaiset')}${T}{0,1}? ${any('ohje\\w*', 'saanno\\w*', 'saant\\w*', 'kasky\\w*', 'rajoitu\\w*')}`,
    // cs, sk, hr/sr/bs, sl
    `|\\b${any('ignoruj', 'ignorujte', 'zapomen', 'zapomente', 'zabudni', 'zabudnite', 'neber ohled na', 'nevsimej si', 'zanemari', 'zanemarite', 'ignoriraj', 'ignorirajte', 'zaboravi', 'zaboravite', 'pozabi', 'prezri')}\\b${T}{0,1}? ${any('vsechny', 'vsetky', 'predchozi', 'predosle', 'predchadzajuce', 'puvodni', 'povodne', 'sve', 'svoje', 'tve', 'tvoje', 'prethodne', 'ranije', 'vse', 'prejsnja', 'prejsnje')}${T}{0,1}? ${any('pokyn\\w*', 'instrukc\\w*', 'pravid\\w*', 'prikaz\\w*', 'upute', 'uputstv\\w*', 'uputa', 'navodil\\w*', 'zasad\\w*')}`,
    // ro, ca (the qualifier may follow the noun)
    `|\\b${any('ignora', 'ignorati', 'uita', 'uitati', 'oblida', 'oblideu', 'ignoreu')}\\b${T}{0,1}? ${any(`${any('toate', 'totes', 'tots')}${T}{0,1}? ${RO_CA_RULES}`, `${RO_CA_RULES} ${any('anterioare', 'precedente', 'tale', 'initiale', 'de mai sus', 'anteriors', 'previes', 'teves')}`)}\\b`,
    // hu
    `|\\b${any('hagyd figyelmen kivul', 'hagyja figyelmen kivul', 'hagyjad figyelmen kivul', 'felejtsd el', 'felejtse el', 'ignorald', 'ignoralja')}${T}{0,1}? ${any('az osszes', 'osszes', 'minden', 'a korabbi', 'korabbi', 'az elozo', 'elozo', 'az eredeti', 'eredeti')}${T}{0,1}? ${any('utasitas\\w*', 'szabaly\\w*', 'iranyelv\\w*', 'parancs\\w*')}`,
    `|\\b${any('osszes', 'korabbi', 'elozo', 'eredeti')} ${any('utasitas\\w*', 'szabaly\\w*')} ${any('hagyd figyelmen kivul', 'hagyja figyelmen kivul', 'felejtsd el', 'ignorald')}`,
    // bg (ru's nouns cover it)
    `|${any('игнорирай', 'игнорирайте', 'забрави', 'забравете', 'пренебрегни')}${T}{0,1}? ${any('всички', 'предишни\\S*', 'предходни\\S*', 'своите', 'твоите', 'горни\\S*')}${T}{0,1}? ${any('инструкци', 'указани', 'правил', 'команд', 'ограничени')}`,
    // el
    `|${any('αγνόησε', 'αγνόησέ', 'αγνοήστε', 'ξέχασε', 'ξεχάστε', 'παράβλεψε', 'παραβλέψτε')}${T}{0,2}? ${any('όλες', 'ολες', 'προηγούμενες', 'προηγουμενες', 'αρχικές', 'αρχικες', 'σου', 'παραπάνω')}${T}{0,1}? ${any('οδηγί', 'οδηγι', 'εντολ', 'κανόν', 'κανον', 'περιορισμ')}`,
    // he (adjective after the noun; "from all" before it)
    `|${any('התעלם', 'התעלמי', 'התעלמו', 'תתעלם', 'תתעלמי', 'שכח', 'שכחי', 'תשכח')} ${any(`(?:מכל|מ|את כל) ?${HE_RULES}`, `${HE_RULES} ${any('הקודמות', 'הקודמים', 'שלך', 'המקוריות')}`, `מ${HE_RULES} ${any('הקודמות', 'הקודמים', 'שלך', 'המקוריות')}`)}`,
    // fa (object before the verb)
    `|${any('تمام', 'همه', 'همهٔ')} ${FA_RULES}${T}{0,2}? (?:را )?${FA_DROP}|${FA_RULES} ${any('قبلی', 'خود', 'اولیه', 'سیستم')}(?: را)? ${FA_DROP}`,
    // th (no spaces between words)
    `|${any('เพิกเฉย', 'ละเลย', 'ไม่ต้องสนใจ', 'ลืม', 'ข้าม')}(?:ต่อ|การ)?${any('คําสั่ง', 'คำสั่ง', 'คําแนะนํา', 'คำแนะนำ', 'กฎ', 'ข้อกําหนด', 'ข้อกำหนด')}${any('ก่อนหน้า', 'ทั้งหมด', 'เดิม', 'ของคุณ')}`,
    // tl, sw
    `|\\b${any('balewalain', 'huwag pansinin', 'kalimutan', 'puuza', 'sahau', 'usijali')}(?: ang)?(?: lahat ng| mga| nakaraang)+ ${any('tagubilin', 'instruksyon', 'panuto', 'utos', 'patakaran')}\\b`,
    `|\\b${any('puuza', 'sahau', 'usijali')} ${any('maagizo', 'maelekezo', 'sheria', 'amri')} ${any('yote', 'ya awali', 'yaliyotangulia', 'zote', 'za awali', 'zilizopita', 'yako')}\\b`,
    // bn
    `|${any('পূর্ববর্তী', 'আগের', 'সমস্ত', 'সব')}${WC}{0,25}${any('নির্দেশ', 'নিয়ম', 'আদেশ')}${WC}{0,25}${any('উপেক্ষা', 'ভুলে')}`,
  ]),
  rule('extract/system-prompt-i18n', 5, 'asks for the system prompt or instructions (non-English)', [
    `\\b${any('muestra', 'muestrame', 'revela', 'revelame', 'dime', 'imprime', 'repite', 'escribe', 'cual es', 'cuales son', 'comparte')}\\b${W}{0,30}\\b${any('tu prompt', 'tus instrucciones', 'el prompt del sistema', 'las instrucciones del sistema', 'tus instrucciones iniciales', 'prompt de sistema', 'instrucciones ocultas')}`,
    `|\\b${any('montre', 'montrez', 'revele', 'revelez', 'affiche', 'affichez', 'repete', 'repetez', 'donne', 'donnez', 'dis-moi', 'dites-moi', 'quel est', 'quelles sont', 'ecris', 'ecrivez')}\\b${W}{0,30}\\b${any('ton prompt', 'votre prompt', 'tes instructions', 'vos instructions', 'prompt systeme', 'instructions systeme', 'tes consignes', 'vos consignes', 'instructions initiales')}`,
    `|\\b${any('zeig', 'zeige', 'zeigen sie', 'verrate', 'verraten sie', 'gib', 'geben sie', 'nenne', 'wiederhole', 'was ist', 'was sind', 'schreib', 'schreibe')}\\b${W}{0,30}${any('systemprompt', 'system-prompt', 'systemanweisungen', 'deine anweisungen', 'ihre anweisungen', 'deinen prompt', 'deine instruktionen', 'ursprunglichen anweisungen')}`,
    `|\\b${any('mostra', 'mostrami', 'rivela', 'dimmi', 'ripeti', 'scrivi', 'qual e', 'quali sono')}\\b${W}{0,30}\\b${any('il tuo prompt', 'le tue istruzioni', 'prompt di sistema', 'istruzioni di sistema', 'istruzioni iniziali')}`,
    `|\\b${any('mostre', 'revele', 'diga', 'repita', 'escreva', 'qual e', 'quais sao')}\\b${W}{0,30}\\b${any('seu prompt', 'suas instrucoes', 'prompt do sistema', 'instrucoes do sistema', 'instrucoes iniciais')}`,
    `|${any('покажи', 'раскрой', 'выведи', 'повтори', 'напиши', 'какие', 'скажи', 'какой', 'покажіть', 'покажи')}${W}{0,30}${any('системн\\S* (?:промпт|подсказк|инструкци|сообщени)', 'твои инструкци', 'свои инструкци', 'твой промпт', 'исходн\\S* инструкци', 'системн\\S* (?:промпт|інструкці)', 'твої інструкції')}`,
    `|${any('告诉', '显示', '输出', '打印', '重复', '透露', '泄露', '说出', '给我', '展示', '列出', '告訴', '顯示')}${W}{0,10}${any('系统提示', '系統提示', '系统指令', '初始指令', '提示词', '原始指令', '隐藏指令', '指令内容', '系统设定', '你的指令', '你的设定')}`,
    `|${any('システムプロンプト', '初期指示', '指示内容', 'プロンプト', 'あなたの指示')}${W}{0,10}${any('教えて', '表示', '出力', '見せて', '繰り返', '書いて', '開示')}`,
    `|${any('시스템 프롬프트', '시스템 지시', '초기 지시', '프롬프트', '지시사항', '지침')}${W}{0,10}${any('알려', '보여', '출력', '반복', '말해', '공개')}`,
    // nl, pl, tr, id, vi
    `|\\b${any('toon', 'laat (?:me )?zien', 'onthul', 'herhaal', 'geef', 'wat zijn', 'wat is', 'pokaz', 'ujawnij', 'wypisz', 'powtorz', 'podaj', 'napisz', 'jakie sa', 'goster', 'yaz', 'tekrarla', 'soyle', 'tunjukkan', 'ungkapkan', 'tampilkan', 'ulangi', 'sebutkan', 'cho (?:toi )?xem', 'tiet lo', 'in ra', 'lap lai', 'hien thi')}\\b${W}{0,30}\\b${any('systeemprompt', 'systeeminstructies', 'je instructies', 'jouw instructies', 'oorspronkelijke instructies', 'instrukcje systemowe', 'swoje instrukcje', 'twoje instrukcje', 'prompt systemowy', 'polecenia systemowe', 'sistem (?:istemi|talimat\\w*|promptu\\w*)', 'talimatlarini', 'prompt sistem', 'instruksi sistem', 'instruksi anda', 'perintah sistem', 'loi nhac he thong', 'chi dan he thong', 'huong dan he thong', 'chi dan cua ban')}`,
    `|${any('أظهر', 'اعرض', 'اكشف', 'اطبع', 'كرر', 'أخبرني', 'ما هي')}${W}{0,30}${any('موجه النظام', 'تعليمات النظام', 'تعليماتك', 'التعليمات الأصلية')}`,
    `|${any('सिस्टम प्रॉम्प्ट', 'सिस्टम निर्देश', 'अपने निर्देश', 'तुम्हारे निर्देश', 'आपके निर्देश')}${W}{0,30}${any('दिखाओ', 'दिखाइए', 'बताओ', 'बताइए', 'लिखो', 'दोहराओ')}`,
    // sv, da, no
    `|\\b${any('visa', 'avsloja', 'skriv ut', 'beratta', 'upprepa', 'vis', 'vis mig', 'vis meg', 'afslør', 'avslør', 'skriv', 'fortæl', 'fortell', 'gentag', 'gjenta', 'hvad er', 'hva er', 'vad ar')}\\b${W}{0,30}\\b${any('systemprompt\\w*', 'systeminstruktion\\w*', 'systeminstruks\\w*', 'dina instruktioner', 'dine instruktioner', 'dine instruksjoner', 'din prompt', 'dine instrukser', 'ursprungliga instruktioner', 'oprindelige instruktioner', 'opprinnelige instruksjoner', 'dolda instruktioner', 'skjulte instruktioner', 'skjulte instruksjoner')}`,
    // fi
    `|\\b${any('nayta', 'kerro', 'paljasta', 'tulosta', 'toista', 'kirjoita', 'mita ovat', 'mika on')}\\b${W}{0,30}\\b${any('jarjestelmakehot\\w*', 'jarjestelmaohje\\w*', 'ohjeesi', 'alkuperaiset ohjeet', 'alkuperaiset ohjeesi', 'piilotetut ohjeet', 'kehotteesi')}`,
    // cs, sk, hr/sr
    `|\\b${any('ukaz', 'ukazte', 'prozrad', 'prozradte', 'vypis', 'vypiste', 'zopakuj', 'rekni', 'reknete', 'povedz', 'prezrad', 'napis', 'pokazi', 'otkrij', 'ispisi', 'ponovi', 'reci mi')}\\b${W}{0,30}\\b${any('systemov\\w* (?:prompt|pokyn\\w*|instrukc\\w*)', 'sve pokyny', 'tve pokyny', 'svoje pokyny', 'tvoje pokyny', 'puvodni pokyny', 'povodne pokyny', 'skryte pokyny', 'sistemsk\\w* (?:prompt|upute|uputstv\\w*)', 'svoje upute', 'tvoje upute')}`,
    // ro, ca, hu
    `|\\b${any('arata-mi', 'arata', 'dezvaluie', 'afiseaza', 'repeta', 'spune-mi', 'scrie', 'mostra', "mostra'm", 'revela', 'digues', 'repeteix', 'mutasd meg', 'mutasd', 'ird ki', 'ismeteld meg', 'mondd el', 'fedd fel')}\\b${W}{0,30}\\b${any('promptul de sistem', 'instructiunile tale', 'instructiunile de sistem', 'instructiunile initiale', 'prompt del sistema', 'les teves instruccions', 'instruccions del sistema', 'rendszerprompt\\w*', 'rendszer promptot', 'utasitasaidat', 'rendszerutasitas\\w*', 'eredeti utasitas\\w*')}`,
    // bg, el, he, fa, th
    `|${any('покажи', 'разкрий', 'изведи', 'повтори', 'кажи')}${W}{0,30}${any('системн\\S* (?:промпт|инструкци|подкан)', 'твоите инструкции', 'своите инструкции')}`,
    `|${any('δείξε', 'αποκάλυψε', 'γράψε', 'επανάλαβε', 'πες μου', 'εμφάνισε', 'ποιες είναι', 'ποιο είναι')}${W}{0,30}${any('οδηγίες (?:του )?συστήματος', 'τις οδηγίες σου', 'κρυφές σου οδηγίες', 'αρχικές (?:σου )?οδηγίες', 'προτροπή συστήματος', 'prompt')}`,
    `|${any('הצג', 'הראה', 'חשוף', 'כתוב', 'חזור על', 'תגיד לי', 'ספר לי', 'הדפס')}${W}{0,30}${any('הנחיות המערכת', 'הוראות המערכת', 'ההוראות שלך', 'ההנחיות שלך', 'פרומפט המערכת', 'הפרומפט שלך', 'ההוראות הנסתרות')}`,
    `|${any('پرامپت سیستم', 'دستورالعملهای سیستم', 'دستورات سیستم', 'دستورالعملهای خود', 'دستورالعملهایت', 'دستورات اولیه')}${W}{0,30}${any('نشان بده', 'فاش کن', 'بنویس', 'بگو', 'تکرار کن', 'چاپ کن')}`,
    `|${any('แสดง', 'เปิดเผย', 'บอก', 'พิมพ์')}${W}{0,20}${any('system prompt', 'คําสั่งระบบ', 'คำสั่งระบบ', 'คําสั่งของคุณ', 'คำสั่งของคุณ', 'พรอมต์ระบบ')}`,
  ]),
  rule('persona/no-limits-i18n', 3, 'claims the model has no rules or filters (non-English)', [
    `\\b${any('sin', 'libre de')} (?:ninguna |ningun |ningún |tipo de )?${any('restricciones', 'limites', 'filtros', 'censura', 'reglas', 'etica', 'moral')}\\b`,
    `|\\b${any('sans', 'libre de')} (?:aucune |aucun |la moindre )?${any('restrictions?', 'limites?', 'filtres?', 'censure', 'regles?', 'ethique', 'morale')}\\b`,
    `|\\b${any('ohne', 'frei von')} (?:jegliche |irgendwelche |alle |jede )?${any('einschrankungen', 'beschrankungen', 'filter', 'zensur', 'regeln', 'grenzen', 'moral', 'ethik')}\\b`,
    `|\\b${any('senza', 'libero da')} (?:alcuna |nessuna |alcun )?${any('restrizion\\w*', 'limit\\w*', 'filtr\\w*', 'censura', 'regole', 'etica', 'morale')}`,
    `|\\b${any('sem', 'livre de')} (?:nenhuma |qualquer )?${any('restricoes', 'limites', 'filtros', 'censura', 'regras', 'etica', 'moral')}\\b`,
    `|${any('没有', '不受', '无任何', '不再受', '摆脱', '不受任何', '沒有')}${W}{0,4}${any('限制', '约束', '審查', '审查', '过滤', '道德', '伦理', '规则')}`,
    `|без (?:каких-либо |всяких |любых )?${any('ограничени', 'цензур', 'фильтр', 'правил', 'морал')}`,
    `|${any('制限', '制約', '検閲', 'フィルター', 'ルール', '倫理')}${W}{0,4}${any('なし', 'なく', 'のない', 'を受けない', 'に縛られない')}`,
    `|${any('제한', '제약', '검열', '필터', '규칙', '윤리')}${W}{0,4}${any('없는', '없이', '받지 않는')}`,
  ]),
  rule('override/from-now-on-i18n', 2, 'redefines the model for the rest of the conversation (non-English)', [
    `\\b${any('ahora eres', 'a partir de ahora,? (?:eres|seras|actuaras|vas a)', 'de ahora en adelante,? (?:eres|seras|actuaras)', 'tu es maintenant', 'vous etes maintenant', 'a partir de maintenant,? (?:tu|vous)', 'desormais,? (?:tu|vous)', 'du bist (?:jetzt|nun|ab sofort)', 'ab (?:jetzt|sofort) bist du', 'ora sei', "d'ora in poi,? (?:sei|sarai|tu)", 'agora voce e', 'a partir de agora,? voce')}\\b`,
    `|${any('从现在开始', '从现在起', '從現在開始', '今后你', '今から(?:あなたは|君は)', 'これから(?:あなたは|君は)', '지금부터 (?:너는|당신은)', '이제부터 (?:너는|당신은)', 'теперь ты', 'с этого момента ты', 'отныне ты', 'тепер ти')}`,
  ]),
];
