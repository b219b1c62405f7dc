from allyscope.cli import run

run()
