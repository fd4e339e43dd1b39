/*
 * doc_helpers.h - one YAML document into a doc tree, for Check tests.
 * Header-only: each test binary is one file.
 */
#ifndef MESHPANEL_TEST_DOC_HELPERS_H
#define MESHPANEL_TEST_DOC_HELPERS_H

#include <check.h>
#include <string.h>

#include "model/parse.h"

/* The single document of yaml (the test fails on a parse error or on
 * another number of documents). The caller frees it. */
static inline doc_node *parse1(const char *yaml)
{
    doc_list l;
    doc_list_init(&l);
    mp_err err = {{0}};
    ck_assert_msg(doc_parse_yaml(yaml, strlen(yaml), "t.yaml", &l, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(l.len, 1);
    doc_node *d = doc_list_take(&l, 0);
    doc_list_free(&l);
    return d;
}

#endif
