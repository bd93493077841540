"""The command line: thin commands (parse, one library call, render), loaded lazily by family."""
