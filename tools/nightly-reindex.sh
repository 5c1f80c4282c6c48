#!/usr/bin/env bash
# The nightly batch of a shop: back up the gallery (SQLite online backup),
# re-index it with the current model, check it, and write a JSON summary.
# One instance at a time (flock); one log file per night, old ones rotated.
# Exit 0 when all is well; non-zero, with one clear line on stderr and in
# the summary, when a person is needed.
#
# Settings (environment, or a file given as the first argument):
#   DIAREID          the binary (default: diareid on PATH)
#   DIAREID_GALLERY  gallery folder (default: diareid's own default)
#   DIAREID_MODEL    model file (default: the shipped model)
#   DIAREID_KEY      HMAC key file of the event log (optional)
#   DIAREID_STATE    folder for logs, backups, summaries and the lock
#                    (default: $XDG_STATE_HOME/diareid or ~/.local/state/diareid)
#   KEEP_NIGHTS      logs, backups and summaries kept (default 14)
set -uo pipefail

usage() {
  cat <<'USAGE'
Usage: nightly-reindex.sh [SETTINGS]

Backs up the gallery, re-indexes it with the current model, checks it and
writes a JSON summary. SETTINGS is a bash file of KEY=value lines; the
same keys may come from the environment:
  DIAREID          the diareid binary (default: diareid on PATH)
  DIAREID_GALLERY  gallery folder (default: diareid's own default)
  DIAREID_MODEL    model file (default: the shipped model)
  DIAREID_KEY      HMAC key file of a signed gallery's event log
  DIAREID_STATE    folder for logs, backups, summaries and the lock
                   (default: $XDG_STATE_HOME/diareid, else
                   ~/.local/state/diareid)
  KEEP_NIGHTS      logs, backups and summaries kept (default: 14)
Exit 0 when all is well; otherwise the failing step's exit code (75: another
run holds the lock) and a line starting NEEDS A PERSON on stderr.
USAGE
}

if [[ $# -gt 1 ]]; then
  usage >&2
  exit 2
fi
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  usage
  exit 0
fi
if [[ ${1:-} == -* ]]; then
  echo "nightly-reindex: unknown option $1 (see --help)" >&2
  exit 2
fi
if [[ $# -ge 1 ]]; then
  # shellcheck source=/dev/null
  source "$1" || { echo "nightly-reindex: cannot read settings $1" >&2; exit 2; }
fi
DIAREID=${DIAREID:-diareid}
STATE=${DIAREID_STATE:-${XDG_STATE_HOME:-$HOME/.local/state}/diareid}
KEEP_NIGHTS=${KEEP_NIGHTS:-14}
NIGHT=$(date -u +%Y-%m-%d)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)

mkdir -p "$STATE/logs" "$STATE/backups" "$STATE/summaries" || {
  echo "nightly-reindex: cannot create $STATE" >&2
  exit 2
}
LOG="$STATE/logs/reindex-$NIGHT.log"
SUMMARY="$STATE/summaries/reindex-$NIGHT.json"
BACKUP="$STATE/backups/gallery-$NIGHT-$(date -u +%H%M%S).sqlite"

# One instance: a second start while one runs exits at once.
exec 9>"$STATE/nightly-reindex.lock"
if ! flock -n 9; then
  echo "nightly-reindex: another run holds $STATE/nightly-reindex.lock" >&2
  exit 75
fi

global=()
[[ -n ${DIAREID_GALLERY:-} ]] && global+=(--gallery "$DIAREID_GALLERY")
[[ -n ${DIAREID_MODEL:-} ]] && global+=(--model "$DIAREID_MODEL")
[[ -n ${DIAREID_KEY:-} ]] && global+=(--key-file "$DIAREID_KEY")
global+=(--log-file "$LOG")

log() { echo "$(date -u +%H:%M:%S) nightly-reindex: $*" >>"$LOG"; }

# Writes the summary and exits; $1 exit code, $2 what a person must do.
finish() {
  local code=$1 message=$2
  local ended
  ended=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  {
    printf '{\n  "night": "%s",\n  "started": "%s",\n  "ended": "%s",\n' \
      "$NIGHT" "$STARTED" "$ended"
    printf '  "exit_code": %d,\n  "needs_person": %s,\n' "$code" \
      "$([[ $code -eq 0 ]] && echo false || echo true)"
    printf '  "message": "%s",\n  "log": "%s",\n  "backup": "%s",\n' \
      "${message//\"/\'}" "$LOG" "$BACKUP"
    printf '  "reindex": %s,\n  "check": %s\n}\n' \
      "${REINDEX_JSON:-null}" "${CHECK_JSON:-null}"
  } >"$SUMMARY.tmp" && mv "$SUMMARY.tmp" "$SUMMARY"
  log "done (exit $code): $message"
  if [[ $code -ne 0 ]]; then
    echo "nightly-reindex: NEEDS A PERSON: $message (log $LOG)" >&2
  fi
  cat "$SUMMARY"
  exit "$code"
}

# Keep the newest KEEP_NIGHTS files of each kind.
rotate() {
  local folder=$1
  ls -1t "$folder" 2>/dev/null | tail -n +"$((KEEP_NIGHTS + 1))" |
    while read -r old; do rm -f -- "$folder/$old"; done
}
rotate "$STATE/logs"
rotate "$STATE/backups"
rotate "$STATE/summaries"

log "start; binary $DIAREID, state $STATE"
if ! command -v "$DIAREID" >/dev/null 2>&1; then
  finish 2 "the diareid binary '$DIAREID' is not found"
fi

# 1. Backup first: never re-index without a way back.
if ! "$DIAREID" "${global[@]}" gallery backup --out "$BACKUP" >>"$LOG" 2>&1
then
  finish 4 "the backup to $BACKUP failed; nothing was re-indexed"
fi
log "backup written to $BACKUP"

# 2. Re-index (resumable: a run killed tonight continues tomorrow).
REINDEX_JSON=$("$DIAREID" "${global[@]}" --json reindex 2>>"$LOG")
code=$?
[[ -z $REINDEX_JSON ]] && REINDEX_JSON=null
if [[ $code -ne 0 ]]; then
  finish "$code" "the re-index stopped with exit code $code; see its findings"
fi
log "re-index finished"

# 3. Check everything once more after the switch.
CHECK_JSON=$("$DIAREID" "${global[@]}" --json gallery check 2>>"$LOG")
code=$?
[[ -z $CHECK_JSON ]] && CHECK_JSON=null
if [[ $code -ne 0 ]]; then
  finish "$code" "gallery check found problems after the re-index"
fi
finish 0 "gallery backed up, re-indexed and checked"
