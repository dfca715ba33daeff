"""The `stspd` command: Django's manage.py under the product's name (`stspd import-cog`...)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stspd.settings")
    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        # Operators type `stspd import-cog`; Django's command modules are named import_cog.
        argv[1] = argv[1].replace("-", "_")
    if len(argv) > 2 and argv[1] == "import_ssmsi" and not argv[2].startswith("-"):
        # `stspd import-ssmsi FILE`: polars reads the file while Django starts
        # (stspd.observatory.prefetch), started before anything of Django is imported.
        from stspd.observatory import prefetch

        prefetch.start(argv[2])
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
