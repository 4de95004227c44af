// PGLensTLS: work in progress on branch tls.
