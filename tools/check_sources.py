"""Release gate: patterns the audit banned must not appear in the library's source.

- no import of scikit-learn's private ``sklearn.utils._*`` modules;
- no global seeding (``np.random.seed``, ``random.seed``) and no root-logger set-up;
- no ``copy.deepcopy`` of anything (feature data is shared read-only instead);
- pickle and joblib may load only in the trusted path of
  ``nirs4all/workspace/serialization.py`` (behind ``trusted=True``).

Usage: ``python tools/check_sources.py [PACKAGE_DIR]``; exit 1 and a list of offences when
any is found.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

RULES = [
    (re.compile(r"\bsklearn\.utils\._"), "private scikit-learn module"),
    (re.compile(r"\b(np|numpy)\.random\.seed\("), "global numpy seeding"),
    (re.compile(r"(?<![\w.])random\.seed\("), "global random seeding"),
    (re.compile(r"logging\.basicConfig|logging\.root\b|getLogger\(\)"), "root logger set-up"),
    (re.compile(r"\bdeepcopy\("), "deep copy"),
    (re.compile(r"\bpickle\.loads?\(|\bjoblib\.load\("), "unpickling"),
]
TRUSTED_LOADER = "nirs4all/workspace/serialization.py"


def offences(package: Path) -> list[str]:
    """Every banned pattern found under ``package`` (one line each)."""
    found = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package.parent).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for pattern, what in RULES:
                if not pattern.search(code):
                    continue
                if what == "unpickling" and relative == TRUSTED_LOADER:
                    continue
                found.append(f"{relative}:{number}: {what}: {line.strip()}")
    return found


def main(argv: list[str]) -> int:
    package = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "nirs4all"
    found = offences(package)
    for line in found:
        print(line)
    print(f"source check: {len(found)} offence(s) in {package}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
