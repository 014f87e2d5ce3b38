# Shared by scripts/run and scripts/test: find Python 3.12+, keep .venv installed and current.
# shellcheck shell=bash

find_python() {
  local candidate
  for candidate in python3 python3.13 python3.12 "$HOME/.pyenv/versions/3.12"*/bin/python3 \
                   "$HOME/.pyenv/versions/3.13"*/bin/python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "Coproduce needs Python 3.12 or newer; none was found (tried python3, python3.13, python3.12)." >&2
  return 1
}

# ensure_venv [extras]: create .venv and (re)install when pyproject.toml changed since last time.
ensure_venv() {
  local extras="${1:-}" spec="." stamp
  [ -n "$extras" ] && spec=".[$extras]"
  if [ ! -x .venv/bin/python ]; then
    local python
    python=$(find_python)
    echo "Creating .venv with $("$python" --version)"
    "$python" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
  fi
  stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)-${extras:-base}"
  if [ ! -f "$stamp" ]; then
    echo "Installing Coproduce${extras:+ with $extras tools} into .venv ..."
    .venv/bin/python -m pip install --quiet -e "$spec" 2>&1 | grep -v "is ignored" || true
    .venv/bin/python -c "import coproduce, django" || { echo "Installation failed." >&2; return 1; }
    rm -f .venv/.installed-*
    touch "$stamp"
    [ -n "$extras" ] && touch ".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)-base"
  fi
  return 0
}
