"""Test helpers: protocol eras, real server processes, free ports."""
