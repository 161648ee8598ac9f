import sys

from tests.pds import main

main(sys.argv[1:])
