from allyscope.cli import main

main()
