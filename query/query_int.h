/* SPDX-License-Identifier: ISC */
/*
 * query_int.h - what query/ shares inside itself: the syntax tree the
 * generated parser (parse.y) builds, the parse state the parser and the
 * generated scanner (lex.l) share, and the helpers their actions call.
 * Nothing outside query/ includes this file.
 */
#ifndef ARRAYD_QUERY_INT_H
#define ARRAYD_QUERY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "query/query.h"

#define QUERY_MAX_TEXT	4096	/* bytes of query text */
#define QUERY_MAX_DEPTH	32	/* parentheses, and NOT/AND/OR levels */

enum query_lang { QUERY_LANG_WQL, QUERY_LANG_CQL };

enum query_cmp { QC_EQ, QC_NE, QC_LT, QC_LE, QC_GT, QC_GE };

/* How an element of a property chain is indexed. */
enum query_index { QI_NONE, QI_STAR, QI_NUM };

/* One step of a chain: [Scope::]Name[index]. */
struct query_elem {
	const char *scope;	/* class of a scoped property, or NULL */
	const char *name;
	enum query_index index;
	int64_t num;		/* QI_NUM */
	int line, col;
	struct query_elem *next;
};

/* An operand: a literal or a property chain from the indication. */
struct query_operand {
	bool is_path;
	struct query_value lit;		/* !is_path */
	struct query_elem *path;	/* is_path; starts at the indication */
	size_t len;			/* elements in path */
	bool star;			/* the last element has [*] */
	int line, col;
};

enum query_node_kind {
	QN_AND,		/* kids: two or more, flattened */
	QN_OR,
	QN_NOT,		/* kids: one */
	QN_CMP,		/* a op b */
	QN_LIKE,	/* a LIKE pattern */
	QN_NULL,	/* a IS NULL */
	QN_ISA,		/* a ISA cls */
	QN_TRUTH,	/* a as a boolean (a bare operand, TRUE, FALSE) */
};

enum query_quant { QQ_NONE, QQ_ANY, QQ_EVERY };

struct query_node {
	enum query_node_kind kind;
	int depth;			/* levels of nodes, this one included */
	struct query_node *kids, *tail;	/* AND/OR/NOT */
	struct query_node *next;	/* sibling in kids */
	enum query_quant quant;		/* over a's [*] (CMP, LIKE, NULL) */
	enum query_cmp op;		/* CMP */
	bool negate;			/* NOT LIKE, IS NOT NULL */
	struct query_operand *a, *b;	/* b: CMP only */
	const char *text;		/* LIKE pattern, ISA class */
	struct query_like *like;	/* LIKE */
	int line, col;
};

/* Every allocation of a compiled query is one of these, freed together. */
struct query_chunk {
	struct query_chunk *next;
	max_align_t data[];
};

struct query {
	struct query_chunk *chunks;
	enum query_lang lang;
	const char *from;		/* as written */
	int from_line, from_col;
	const char *alias;		/* FROM X AS alias, or NULL */
	bool select_all;
	struct query_operand **select;	/* !select_all */
	size_t nselect;
	struct query_node *where;	/* NULL: no WHERE */
};

/* State shared by the parser, the scanner and the actions of one compile. */
struct query_parse {
	struct query *q;
	int rc;			/* first error: -EINVAL, -E2BIG, -ENOMEM */
	char *errbuf;
	size_t errlen;
	int line, col;		/* scanner position of the next byte, from 1 */
	int parens;		/* open parentheses */
	char tok[33];		/* text of the last token, for messages */
	void *scanner;
	/* SELECT list being collected */
	size_t selcap;
};

/* Allocations: zeroed, owned by ps->q; NULL with ps->rc = -ENOMEM. */
void *query__alloc(struct query_parse *ps, size_t n);
char *query__strndup(struct query_parse *ps, const char *s, size_t n);

/*
 * Records the first error: "line L, column C: message" into errbuf, rc
 * into ps->rc.  Later errors are ignored (the first is the cause).
 */
void query__error(struct query_parse *ps, int rc, int line, int col,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Tree builders for the grammar's actions; NULL with ps->rc set on failure. */
struct query_node *query__node(struct query_parse *ps,
    enum query_node_kind kind, int line, int col);
struct query_node *query__logic(struct query_parse *ps,
    enum query_node_kind kind, struct query_node *l, struct query_node *r,
    int line, int col);
struct query_node *query__compare(struct query_parse *ps,
    enum query_quant quant, struct query_operand *a, enum query_cmp op,
    struct query_operand *b, bool flipped, int line, int col);
struct query_node *query__predicate(struct query_parse *ps,
    enum query_node_kind kind, enum query_quant quant,
    struct query_operand *a, bool negate, const char *text, int line,
    int col);
struct query_operand *query__path_add(struct query_parse *ps,
    struct query_operand *path, struct query_elem *e);
int query__select_add(struct query_parse *ps, struct query_operand *o);

/* Scans and parses text into ps->q: 0 or ps->rc (lex.l). */
int query__parse(struct query_parse *ps, const char *text, size_t len);

/* One element of a compiled LIKE pattern; star: zero or more of it. */
struct query_like_elem {
	enum { QL_BYTE, QL_ANY, QL_SET } kind;
	bool star;
	bool negate;		/* QL_SET: [^...] */
	unsigned char byte;	/* QL_BYTE */
	const char *set;	/* QL_SET: the text between the brackets */
	size_t setlen;
};

struct query_like {
	size_t n;
	struct query_like_elem e[];
};

/*
 * Compiles pattern in the dialect of lang into *out (owned by ps->q);
 * -EINVAL with the position and why, -ENOMEM.
 */
int query__like_compile(struct query_parse *ps, enum query_lang lang,
    const char *pattern, int line, int col, struct query_like **out);
/* Does all of s match?  Never fails. */
bool query__like_match(const struct query_like *like, const char *s);

#endif /* ARRAYD_QUERY_INT_H */
