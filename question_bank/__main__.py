import sys

from question_bank.cli import main

sys.exit(main())
