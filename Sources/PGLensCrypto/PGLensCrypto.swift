// PGLensCrypto: filled in by its work in progress.
