#ifndef CVOCABULARY_H
#define CVOCABULARY_H
#include <stddef.h>

/// Bytes of an embedded `.tiktoken` file, exactly as published (base64 token, space, rank, LF).
/// `name` is one of "r50k_base", "p50k_base", "cl100k_base", "o200k_base".
/// Returns NULL (and *length = 0) for any other name.
const unsigned char *recount_vocabulary_bytes(const char *name, size_t *length);

#endif
