#!/usr/bin/env python
from stspd.cli import main

if __name__ == "__main__":
    main()
