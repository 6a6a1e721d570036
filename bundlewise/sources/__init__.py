"""What a build may read, and where it was written: names that differ only in case (`casing`),
files from outside the app root (`confine`, `workspace`), real paths of the files read
(`real_paths`) and the line and column of a reference (`specifiers`)."""
