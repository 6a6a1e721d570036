"""The output folder: a build writes into a staging folder and swaps it in whole (`staging`), one
build at a time (`lock`), keeping the files no build wrote (`foreign`)."""
