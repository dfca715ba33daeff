"""The `stspd` command: Django's manage.py under the product's name (`stspd import-cog`...)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stspd.settings")
    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        # Operators type `stspd import-cog`; Django's command modules are named import_cog.
        argv[1] = argv[1].replace("-", "_")
    # No thread here: `stspd import-ssmsi FILE` used to read the file in a thread while Django
    # started, and two threads importing modules at once crashed one run in twenty
    # (docs/decisions.md). Django starts first, then the command reads the file.
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
