// A shared library without the nasrun entry point.
extern "C" int some_unrelated_function() { return 42; }
