// Embeds the vocabularies at build time. The `.incbin` paths resolve through the target's
// header search path (`vocab/`), set in Package.swift.
#include "CVocabulary.h"
#include <string.h>

#define EMBED(sym, file)                                                   \
    __asm__(".section .rodata\n"                                           \
            ".balign 16\n"                                                 \
            ".global " #sym "_start\n" #sym "_start:\n"                    \
            ".incbin \"" file "\"\n"                                       \
            ".global " #sym "_end\n" #sym "_end:\n"                        \
            ".byte 0\n"                                                    \
            ".previous\n");                                                \
    extern const unsigned char sym##_start[], sym##_end[];

EMBED(recount_r50k, "r50k_base.tiktoken")
EMBED(recount_p50k, "p50k_base.tiktoken")
EMBED(recount_cl100k, "cl100k_base.tiktoken")
EMBED(recount_o200k, "o200k_base.tiktoken")

const unsigned char *recount_vocabulary_bytes(const char *name, size_t *length) {
    struct { const char *name; const unsigned char *start, *end; } table[] = {
        {"r50k_base", recount_r50k_start, recount_r50k_end},
        {"p50k_base", recount_p50k_start, recount_p50k_end},
        {"cl100k_base", recount_cl100k_start, recount_cl100k_end},
        {"o200k_base", recount_o200k_start, recount_o200k_end},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(table[i].name, name) == 0) {
            *length = (size_t)(table[i].end - table[i].start);
            return table[i].start;
        }
    }
    *length = 0;
    return NULL;
}
