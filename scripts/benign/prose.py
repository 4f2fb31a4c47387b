"""Model-card prose in many languages and scripts, written for the benign set.

Short real sentences of the kind model cards carry (what the model is, how
it was trained, its limits), so that every text classifier decision is made
on realistic writing, not on lorem ipsum.
"""

CARDS = {
    "en": (
        "This model is a fine-tuned version of a multilingual encoder for sentiment classification. "
        "It was trained for three epochs on product reviews with a learning rate of 2e-5 and a batch size of 32.\n\n"
        "## Limitations\n\nThe model reflects the biases of its training data. Do not use it to make decisions about people.\n"
    ),
    "zh": (
        "该模型是在多语言编码器基础上微调得到的情感分类模型。我们在商品评论数据上训练了三个周期，"
        "学习率为 2e-5，批大小为 32。\n\n## 局限性\n\n模型会反映训练数据中的偏差，请勿用于对个人做出决定。\n"
    ),
    "zh-Hant": (
        "該模型是在多語言編碼器基礎上微調得到的情感分類模型。我們在商品評論資料上訓練了三個週期，"
        "學習率為 2e-5，批次大小為 32。\n\n## 局限性\n\n模型會反映訓練資料中的偏差，請勿用於對個人做出決定。\n"
    ),
    "ja": (
        "このモデルは、多言語エンコーダーを感情分類向けにファインチューニングしたものです。"
        "商品レビューのデータで3エポック学習し、学習率は2e-5、バッチサイズは32です。\n\n"
        "## 制限事項\n\nモデルは学習データの偏りを反映します。人に関する判断には使用しないでください。\n"
    ),
    "ko": (
        "이 모델은 다국어 인코더를 감정 분류용으로 미세 조정한 모델입니다. 상품 리뷰 데이터로 3 에포크 동안 "
        "학습했으며 학습률은 2e-5, 배치 크기는 32입니다.\n\n## 한계\n\n모델은 학습 데이터의 편향을 반영합니다. "
        "사람에 대한 결정을 내리는 데 사용하지 마십시오.\n"
    ),
    "ar": (
        "هذا النموذج نسخة مضبوطة من مُرمِّز متعدد اللغات لتصنيف المشاعر. تم تدريبه لثلاث دورات على مراجعات "
        "المنتجات بمعدل تعلم 2e-5 وحجم دفعة 32.\n\n## القيود\n\nيعكس النموذج تحيزات بيانات التدريب. لا تستخدمه "
        "لاتخاذ قرارات بشأن الأشخاص.\n"
    ),
    "he": (
        "מודל זה הוא גרסה מכווננת של מקודד רב־לשוני לסיווג רגשות. הוא אומן שלושה מחזורים על ביקורות מוצרים "
        "עם קצב למידה של 2e-5 וגודל אצווה של 32.\n\n## מגבלות\n\nהמודל משקף את ההטיות של נתוני האימון. "
        "אין להשתמש בו לקבלת החלטות על אנשים.\n"
    ),
    "ru": (
        "Эта модель — дообученная версия многоязычного кодировщика для классификации тональности. "
        "Она обучалась три эпохи на отзывах о товарах со скоростью обучения 2e-5 и размером батча 32.\n\n"
        "## Ограничения\n\nМодель отражает смещения обучающих данных. Не используйте её для принятия решений о людях.\n"
    ),
    "hi": (
        "यह मॉडल भावना वर्गीकरण के लिए एक बहुभाषी एन्कोडर का फ़ाइन-ट्यून किया गया संस्करण है। इसे उत्पाद "
        "समीक्षाओं पर तीन युगों तक 2e-5 की सीखने की दर और 32 के बैच आकार के साथ प्रशिक्षित किया गया।\n\n"
        "## सीमाएँ\n\nयह मॉडल अपने प्रशिक्षण डेटा के पूर्वाग्रहों को दर्शाता है। लोगों के बारे में निर्णय लेने के लिए "
        "इसका उपयोग न करें।\n"
    ),
    "th": (
        "โมเดลนี้เป็นเวอร์ชันที่ปรับแต่งจากตัวเข้ารหัสหลายภาษาสำหรับการจำแนกความรู้สึก ฝึกฝนสามรอบบนรีวิวสินค้า "
        "ด้วยอัตราการเรียนรู้ 2e-5 และขนาดแบตช์ 32\n\n## ข้อจำกัด\n\nโมเดลสะท้อนอคติของข้อมูลที่ใช้ฝึก "
        "ห้ามใช้ในการตัดสินใจเกี่ยวกับบุคคล\n"
    ),
    "el": (
        "Αυτό το μοντέλο είναι μια προσαρμοσμένη έκδοση ενός πολυγλωσσικού κωδικοποιητή για ταξινόμηση "
        "συναισθήματος. Εκπαιδεύτηκε για τρεις εποχές σε κριτικές προϊόντων με ρυθμό μάθησης 2e-5 και μέγεθος "
        "παρτίδας 32.\n\n## Περιορισμοί\n\nΤο μοντέλο αντανακλά τις προκαταλήψεις των δεδομένων εκπαίδευσης.\n"
    ),
    "fr": (
        "Ce modèle est une version affinée d’un encodeur multilingue pour la classification de sentiments. "
        "Il a été entraîné pendant trois époques sur des avis clients, avec un taux d’apprentissage de 2e-5.\n\n"
        "## Limites\n\nLe modèle reflète les biais de ses données d’entraînement — à ne pas utiliser pour décider "
        "du sort de personnes.\n"
    ),
    "de": (
        "Dieses Modell ist eine feinabgestimmte Version eines mehrsprachigen Encoders zur Stimmungsklassifikation. "
        "Es wurde drei Epochen lang auf Produktbewertungen trainiert (Lernrate 2e-5, Batchgröße 32).\n\n"
        "## Einschränkungen\n\nDas Modell spiegelt die Verzerrungen seiner Trainingsdaten wider. Nicht für "
        "Entscheidungen über Personen verwenden. Größe: klein.\n"
    ),
    "cs": (
        "Tento model je doladěná verze vícejazyčného kodéru pro klasifikaci sentimentu. Byl trénován tři epochy "
        "na recenzích produktů s rychlostí učení 2e-5.\n\n## Omezení\n\nModel odráží předsudky trénovacích dat.\n"
    ),
    "tr": (
        "Bu model, duygu sınıflandırması için çok dilli bir kodlayıcının ince ayarlı sürümüdür. Ürün "
        "yorumları üzerinde üç dönem boyunca eğitildi.\n\n## Sınırlamalar\n\nModel, eğitim verisinin önyargılarını yansıtır.\n"
    ),
    "vi": (
        "Mô hình này là phiên bản tinh chỉnh của một bộ mã hóa đa ngôn ngữ để phân loại cảm xúc. Nó được huấn "
        "luyện ba kỷ nguyên trên các đánh giá sản phẩm.\n\n## Hạn chế\n\nMô hình phản ánh các thiên kiến của dữ liệu huấn luyện.\n"
    ),
}

# Label sets as image and text classifiers ship them.
LABELS_EN = ["cat", "dog"]
IMAGENET_HEAD = [
    "tench, Tinca tinca",
    "goldfish, Carassius auratus",
    "great white shark, white shark, man-eater, man-eating shark, Carcharodon carcharias",
    "tiger shark, Galeocerdo cuvieri",
    "hammerhead, hammerhead shark",
    "electric ray, crampfish, numbfish, torpedo",
    "stingray",
    "cock",
    "hen",
    "ostrich, Struthio camelus",
]
COCO_HEAD = ["person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light"]
CIFAR10 = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
SENTIMENT_LABELS = {
    "en": ["negative", "neutral", "positive"],
    "zh": ["负面", "中性", "正面"],
    "ja": ["ネガティブ", "ニュートラル", "ポジティブ"],
    "ru": ["негативный", "нейтральный", "позитивный"],
    "ar": ["سلبي", "محايد", "إيجابي"],
}

# Words per language for vocabularies and embeddings files.
WORDS = [
    "the", "model", "data", "train", "cat", "dog", "模型", "数据", "训练", "猫", "狗", "モデル", "データ",
    "학습", "모델", "модель", "данные", "نموذج", "بيانات", "מודל", "मॉडल", "โมเดล", "μοντέλο", "café", "naïve",
]
