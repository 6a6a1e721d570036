from bundlewise.cli import main

main(prog_name="bundlewise")
