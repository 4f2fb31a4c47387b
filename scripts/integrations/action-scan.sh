#!/usr/bin/env bash
# The GitHub Action's scan step (action.yml). Runs with the environment GitHub
# sets (GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP) and
# the action's inputs as INPUT_* variables. Always exits 0 once the scan ran:
# the action uploads the SARIF first, then fails on the recorded exit code.
# MODELGUARD_BIN, when set, is the command to run instead of installing from npm.
set -euo pipefail

workspace=${GITHUB_WORKSPACE:-$PWD}
cd "$workspace"
sarif=${INPUT_SARIF_FILE:-modelguard.sarif}
fail_on=${INPUT_FAIL_ON:-suspicious}
version=${INPUT_VERSION:-latest}

if [ -n "${MODELGUARD_BIN:-}" ]; then
  read -r -a bin <<<"$MODELGUARD_BIN"
else
  prefix="${RUNNER_TEMP:-/tmp}/modelguard-action"
  npm install --no-save --no-audit --no-fund --ignore-scripts --prefix "$prefix" "modelguard@$version" >&2
  bin=("$prefix/node_modules/.bin/modelguard")
fi

# Paths: spaces or newlines separate them (no globbing, no word splitting beyond that).
paths=()
while IFS= read -r line; do
  for p in $line; do paths+=("$p"); done
done < <(printf '%s\n' "${INPUT_PATHS:-.}" | sed 's/\r$//')
[ ${#paths[@]} -gt 0 ] || paths=(.)
extra=()
if [ -n "${INPUT_ARGS:-}" ]; then read -r -a extra <<<"$INPUT_ARGS"; fi

set +e
"${bin[@]}" scan --format sarif --output "$sarif" --fail-on "$fail_on" --no-progress "${extra[@]}" -- "${paths[@]}" 2>"${RUNNER_TEMP:-/tmp}/modelguard-stderr.txt"
code=$?
set -e
cat "${RUNNER_TEMP:-/tmp}/modelguard-stderr.txt" >&2
verdict=$(sed -n 's/^wrote .*: verdict \([a-z]*\)$/\1/p' "${RUNNER_TEMP:-/tmp}/modelguard-stderr.txt" | tail -n 1)

out=${GITHUB_OUTPUT:-/dev/null}
{
  echo "exit-code=$code"
  echo "verdict=${verdict:-error}"
  if [ -f "$sarif" ]; then echo "sarif-file=$sarif"; else echo "sarif-file="; fi
} >>"$out"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "### modelguard scan: ${verdict:-error}"
    echo
    echo "Paths: \`${paths[*]}\` · fail on: $fail_on · exit status $code"
  } >>"$GITHUB_STEP_SUMMARY"
fi
exit 0
