/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The -Y expression, read by recursive descent into a short program: tests,
 * "not", and jumps forward that short-circuit "and" and "or" as C does.
 * select_match() runs it with one boolean register, so matching needs no
 * stack and allocates nothing, and reads each field as output-json.c
 * writes it.
 */
#include "select.h"

#include <string.h>

#include "input.h"
#include "sr_codes.h"
#include "sr_enhanced.h"
#include "sr_escape.h"
#include "sr_reason.h"

typedef enum {
    FIELD_CODE,
    FIELD_CLASS,
    FIELD_CATEGORY,
    FIELD_ENHANCED,
    FIELD_COMMAND,
    FIELD_ARGUMENT,
    FIELD_CLIENT,
    FIELD_SERVER,
    FIELD_REASON,
    FIELD_ANOMALY,
    FIELD_LATENCY_MS,
    FIELD_FLOW,
    FIELD_FRAME,
    FIELD_TEXT,
    FIELD_COUNT
} field_id;

/* What a field is compared with. */
typedef enum {
    TYPE_NUMBER,   /* whole numbers up to its max */
    TYPE_DECIMAL,  /* latency_ms: milliseconds, exact to any decimal */
    TYPE_STRING,
    TYPE_DIGIT,    /* class, category: a name, or the code's digit */
} field_type;

typedef struct {
    const char *name;
    field_type  type;
    guint64     max;       /* TYPE_NUMBER, TYPE_DIGIT */
    gboolean    named;     /* == and != take only names that exist */
} field_info;

static const field_info fields[FIELD_COUNT] = {
    [FIELD_CODE] = { "code", TYPE_NUMBER, 999, FALSE },
    [FIELD_CLASS] = { "class", TYPE_DIGIT, 9, TRUE },
    [FIELD_CATEGORY] = { "category", TYPE_DIGIT, 9, TRUE },
    [FIELD_ENHANCED] = { "enhanced", TYPE_STRING, 0, FALSE },
    [FIELD_COMMAND] = { "command", TYPE_STRING, 0, FALSE },
    [FIELD_ARGUMENT] = { "argument", TYPE_STRING, 0, FALSE },
    [FIELD_CLIENT] = { "client", TYPE_STRING, 0, FALSE },
    [FIELD_SERVER] = { "server", TYPE_STRING, 0, FALSE },
    [FIELD_REASON] = { "reason", TYPE_STRING, 0, TRUE },
    [FIELD_ANOMALY] = { "anomaly", TYPE_STRING, 0, TRUE },
    [FIELD_LATENCY_MS] = { "latency_ms", TYPE_DECIMAL, 0, FALSE },
    [FIELD_FLOW] = { "flow", TYPE_NUMBER, G_MAXUINT, FALSE },
    [FIELD_FRAME] = { "frame", TYPE_NUMBER, G_MAXUINT64, FALSE },
    [FIELD_TEXT] = { "text", TYPE_STRING, 0, FALSE },
};

typedef enum {
    OP_EXISTS,     /* the bare field */
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_CONTAINS,
} op_id;

typedef struct {
    field_id  field;
    op_id     op;
    gboolean  numeric;   /* the value is NUMBER, not BYTES */
    guint64   number;    /* latency_ms: in whole microseconds */
    gboolean  fraction;  /* latency_ms: and a part of a microsecond more */
    gboolean  fold;      /* command: no case; BYTES are lower-cased */
    guint8   *bytes;     /* a string's, NUL-terminated but may hold NULs */
    gsize     len;
    gsize    *skip;      /* contains: the Knuth-Morris-Pratt table of BYTES */
} select_test;

typedef enum {
    INS_TEST,        /* the register = tests[arg] */
    INS_NOT,
    INS_JUMP_FALSE,  /* to arg if the register is false: "and" decided */
    INS_JUMP_TRUE,   /* to arg if it is true: "or" decided */
} ins_kind;

typedef struct {
    ins_kind kind;
    guint    arg;
} select_ins;

struct select_expr {
    GArray *tests;     /* select_test */
    GArray *program;   /* select_ins; every jump goes forward */
};

/* How much of a long token or expression a message quotes. */
#define QUOTE_CHARS 40

/* Escapes what a terminal would act on: control characters (C0, DEL, C1)
 * and bytes that are not UTF-8.  The rest is the user's own text, kept as
 * typed, backslashes too, so that a message's columns can be counted on
 * it.  At most MAX_CHARS characters, then "...". */
static void
append_escaped(GString *out, const char *text, gsize len, guint max_chars)
{
    const guint8 *s = (const guint8 *)text;
    gsize i = 0;

    for (guint chars = 0; i < len; chars++) {
        gsize n = sr_utf8_length(s + i, len - i);

        if (chars == max_chars) {
            g_string_append(out, "...");
            return;
        }
        /* C2 80 to C2 9F are the C1 controls: escaped. */
        if (n > 1 && !(n == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0)) {
            g_string_append_len(out, text + i, (gssize)n);
            i += n;
            continue;
        }
        n = MAX(n, 1);
        for (gsize k = 0; k < n; k++, i++) {
            guint8 c = s[i];

            if (c == '\n')
                g_string_append(out, "\\n");
            else if (c == '\r')
                g_string_append(out, "\\r");
            else if (c == '\t')
                g_string_append(out, "\\t");
            else if (c < 0x20 || c >= 0x7f)
                g_string_append_printf(out, "\\x%02x", c);
            else
                g_string_append_c(out, (char)c);
        }
    }
}

/* The column of OFFSET in TEXT, from 1: a UTF-8 character counts once, as
 * does each byte that is not one. */
static guint
column_at(const char *text, gsize len, gsize offset)
{
    guint col = 1;

    for (gsize i = 0; i < offset && i < len; col++) {
        gsize n = sr_utf8_length((const guint8 *)text + i, len - i);

        i += MAX(n, 1);
    }
    return col;
}

typedef enum {
    TOK_END,
    TOK_WORD,          /* a field name, or a word that is none */
    TOK_NUMBER,        /* starts with a digit: digits, letters, dots, underscores */
    TOK_STRING,        /* "..." with its quotes, escapes not yet read */
    TOK_LPAREN,
    TOK_RPAREN,
    TOK_AND,           /* and && */
    TOK_OR,            /* or || */
    TOK_NOT,           /* not ! */
    TOK_CMP,           /* == != < <= > >= contains */
    TOK_BAD_OPERATOR,  /* =, &, |, ~ and the like: an operator we lack */
    TOK_OTHER,         /* any other character */
} tok_kind;

typedef struct {
    tok_kind kind;
    gsize    start;
    gsize    len;
    op_id    op;       /* TOK_CMP */
} token;

typedef struct {
    const char  *text;
    gsize        len;
    gsize        pos;       /* where the next token is looked for */
    token        tok;       /* the current one */
    token        prev;      /* the one before it; kind TOK_END at the start */
    guint        depth;     /* open parentheses and nots */
    select_expr *e;
    GError     **error;
    gboolean     failed;
    GPtrArray   *quoted;    /* strings made for the message, freed with the parser */
} parser;

static void fail(parser *p, gsize offset, const char *hint, const char *format, ...)
    G_GNUC_PRINTF(4, 5);

/* One line: the expression quoted, what is wrong, the column (OFFSET
 * G_MAXSIZE: none), then HINT.  The first error is the one reported. */
static void
fail(parser *p, gsize offset, const char *hint, const char *format, ...)
{
    GString *msg;
    va_list ap;

    if (p->failed)
        return;
    p->failed = TRUE;
    msg = g_string_new("-Y \"");
    append_escaped(msg, p->text, p->len,
                   p->len > SELECT_MAX_LENGTH ? QUOTE_CHARS : G_MAXUINT);
    g_string_append(msg, "\": ");
    va_start(ap, format);
    g_string_append_vprintf(msg, format, ap);
    va_end(ap);
    if (offset != G_MAXSIZE)
        g_string_append_printf(msg, " (column %u)", column_at(p->text, p->len, offset));
    if (hint)
        g_string_append_printf(msg, "; %s", hint);
    g_set_error_literal(p->error, INPUT_ERROR, EXIT_USAGE, msg->str);
    g_string_free(msg, TRUE);
}

/* TOK in double quotes for a message; a string literal is shown as it was
 * written, quotes and all. */
static const char *
quote(parser *p, const token *tok)
{
    GString *s = g_string_new(NULL);

    if (tok->kind == TOK_END) {
        g_string_append(s, "the end");
    } else {
        if (tok->kind != TOK_STRING)
            g_string_append_c(s, '"');
        append_escaped(s, p->text + tok->start, tok->len, QUOTE_CHARS);
        if (tok->kind != TOK_STRING)
            g_string_append_c(s, '"');
    }
    g_ptr_array_add(p->quoted, s->str);
    return g_string_free(s, FALSE);
}

static gboolean
word_is(const parser *p, const token *tok, const char *word)
{
    return tok->len == strlen(word) && memcmp(p->text + tok->start, word, tok->len) == 0;
}

static gboolean
is_operator_char(char c)
{
    return c && strchr("=<>&|~", c) != NULL;
}

/* The next token, from P->pos.  FALSE (and the error) for a string that
 * never ends: nothing after it could be read. */
static gboolean
advance(parser *p)
{
    const char *s = p->text;
    gsize i = p->pos, n = p->len;
    token t = { TOK_END, 0, 0, OP_EXISTS };

    p->prev = p->tok;
    while (i < n && g_ascii_isspace(s[i]))
        i++;
    t.start = i;
    if (i == n) {
        /* Nothing to point at: the column just past the end. */
    } else if (g_ascii_isalpha(s[i]) || s[i] == '_') {
        t.kind = TOK_WORD;
        /* Bytes past ASCII too, so a message names all of "cöde". */
        while (i < n && (g_ascii_isalnum(s[i]) || s[i] == '_' || (guint8)s[i] >= 0x80))
            i++;
    } else if (g_ascii_isdigit(s[i])) {
        t.kind = TOK_NUMBER;
        while (i < n && (g_ascii_isalnum(s[i]) || s[i] == '_' || s[i] == '.'))
            i++;
    } else if (s[i] == '"') {
        t.kind = TOK_STRING;
        for (i++; i < n && s[i] != '"'; i++) {
            if (s[i] == '\\' && i + 1 < n)
                i++;
        }
        if (i == n) {
            fail(p, t.start, NULL, "unterminated string");
            return FALSE;
        }
        i++;
    } else if (s[i] == '(' || s[i] == ')') {
        t.kind = s[i] == '(' ? TOK_LPAREN : TOK_RPAREN;
        i++;
    } else if (s[i] == '!') {
        /* Not part of a run below, so that "!!x" is not not x. */
        if (i + 1 < n && s[i + 1] == '=') {
            t.kind = TOK_CMP;
            t.op = OP_NE;
            i += 2;
        } else {
            t.kind = TOK_NOT;
            i++;
        }
    } else if (is_operator_char(s[i])) {
        while (i < n && is_operator_char(s[i]))
            i++;
        t.kind = TOK_BAD_OPERATOR;
    } else {
        gsize len = sr_utf8_length((const guint8 *)s + i, n - i);

        t.kind = TOK_OTHER;
        i += MAX(len, 1);
    }
    t.len = i - t.start;
    p->pos = i;

    if (t.kind == TOK_WORD) {
        if (word_is(p, &t, "and"))
            t.kind = TOK_AND;
        else if (word_is(p, &t, "or"))
            t.kind = TOK_OR;
        else if (word_is(p, &t, "not"))
            t.kind = TOK_NOT;
        else if (word_is(p, &t, "contains")) {
            t.kind = TOK_CMP;
            t.op = OP_CONTAINS;
        }
    } else if (t.kind == TOK_BAD_OPERATOR) {
        static const struct {
            const char *text;
            tok_kind    kind;
            op_id       op;
        } ops[] = {
            { "==", TOK_CMP, OP_EQ }, { "<", TOK_CMP, OP_LT }, { "<=", TOK_CMP, OP_LE },
            { ">", TOK_CMP, OP_GT }, { ">=", TOK_CMP, OP_GE }, { "&&", TOK_AND, OP_EXISTS },
            { "||", TOK_OR, OP_EXISTS },
        };

        for (gsize k = 0; k < G_N_ELEMENTS(ops); k++) {
            if (word_is(p, &t, ops[k].text)) {
                t.kind = ops[k].kind;
                t.op = ops[k].op;
            }
        }
    }
    p->tok = t;
    return TRUE;
}

#define OPERATORS_HINT "the operators are ==, !=, <, <=, >, >= and contains"

/* The table-driven fields' names, for their hints and to check a name. */
static const char *
field_name_at(field_id field, guint i)
{
    switch (field) {
    case FIELD_CLASS:
        return i < 5 ? sr_class_name(i + 1) : NULL;
    case FIELD_CATEGORY:
        /* 3 and 4 are both "Unspecified": named once. */
        return i < 5 ? sr_category_name(i < 4 ? i : i + 1) : NULL;
    case FIELD_REASON:
        return i + 1 < SR_REASON_COUNT ? sr_reason_name((sr_reason)(i + 1)) : NULL;
    case FIELD_ANOMALY:
        if (i < SR_ANOM_COUNT)
            return sr_anomaly_name((sr_anomaly_kind)i);
        return i - SR_ANOM_COUNT < TOOL_ANOM_COUNT
            ? tool_anomaly_name((tool_anomaly_kind)(i - SR_ANOM_COUNT)) : NULL;
    default:
        return NULL;
    }
}

static gboolean
name_exists(field_id field, const guint8 *s, gsize len)
{
    const char *name;

    for (guint i = 0; (name = field_name_at(field, i)); i++) {
        if (strlen(name) == len && memcmp(name, s, len) == 0)
            return TRUE;
    }
    return FALSE;
}

static const char *
field_names_hint(parser *p, field_id field)
{
    static const char *const plural[FIELD_COUNT] = {
        [FIELD_CLASS] = "classes", [FIELD_CATEGORY] = "categories",
        [FIELD_REASON] = "reasons", [FIELD_ANOMALY] = "anomalies",
    };
    GString *s = g_string_new(NULL);
    const char *name;

    g_string_append_printf(s, "the %s are ", plural[field]);
    for (guint i = 0; (name = field_name_at(field, i)); i++)
        g_string_append_printf(s, "%s\"%s\"", i ? ", " : "", name);
    g_ptr_array_add(p->quoted, s->str);
    return g_string_free(s, FALSE);
}

static const char *
fields_hint(parser *p)
{
    GString *s = g_string_new("the fields are ");

    for (guint i = 0; i < FIELD_COUNT; i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "", fields[i].name);
    g_ptr_array_add(p->quoted, s->str);
    return g_string_free(s, FALSE);
}

/* The string literal TOK, its escapes read, into T. */
static gboolean
read_string(parser *p, const token *tok, select_test *t)
{
    const char *s = p->text + tok->start + 1;
    gsize n = tok->len - 2;
    GByteArray *out = g_byte_array_sized_new((guint)n + 1);
    guint8 nul = 0;

    for (gsize i = 0; i < n; i++) {
        guint8 c = (guint8)s[i];

        if (c == '\\') {
            gsize at = tok->start + 1 + i;

            i++;
            switch (s[i]) {
            case '"': case '\\': c = (guint8)s[i]; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'x':
                if (i + 2 < n && g_ascii_isxdigit(s[i + 1]) && g_ascii_isxdigit(s[i + 2])) {
                    c = (guint8)(g_ascii_xdigit_value(s[i + 1]) << 4
                                 | g_ascii_xdigit_value(s[i + 2]));
                    i += 2;
                    break;
                }
                fail(p, at, NULL, "\"\\x\" needs two hex digits");
                g_byte_array_free(out, TRUE);
                return FALSE;
            default:
                {
                    /* The lexer saw to it that a character follows. */
                    gsize len = sr_utf8_length((const guint8 *)s + i, n - i);
                    token esc = { TOK_OTHER, at, 1 + MAX(len, 1), OP_EXISTS };

                    fail(p, at, "the escapes are \\\" \\\\ \\n \\r \\t and \\xNN",
                         "unknown escape %s in a string", quote(p, &esc));
                }
                g_byte_array_free(out, TRUE);
                return FALSE;
            }
        }
        g_byte_array_append(out, &c, 1);
    }
    t->len = out->len;
    g_byte_array_append(out, &nul, 1);
    t->bytes = g_byte_array_free(out, FALSE);
    return TRUE;
}

/* What a number token holds: digits, and maybe a dot and digits. */
typedef enum {
    SHAPE_BAD,
    SHAPE_WHOLE,
    SHAPE_DECIMAL,
} number_shape;

static number_shape
shape_of(const char *s, gsize n)
{
    gsize i = 0;

    while (i < n && g_ascii_isdigit(s[i]))
        i++;
    if (i == n)
        return SHAPE_WHOLE;
    if (i == 0 || s[i] != '.' || i + 1 == n)
        return SHAPE_BAD;
    for (i++; i < n; i++) {
        if (!g_ascii_isdigit(s[i]))
            return SHAPE_BAD;
    }
    return SHAPE_DECIMAL;
}

/* The number S (of a good shape) times 10^DECIMALS into *VALUE: FALSE past
 * MAX.  *PARTIAL: digits further down were not all zero. */
static gboolean
read_number(const char *s, gsize n, guint decimals, guint64 max, guint64 *value,
            gboolean *partial)
{
    guint64 v = 0;
    gsize i = 0, frac;

    for (; i < n && g_ascii_isdigit(s[i]); i++) {
        guint d = (guint)(s[i] - '0');

        if (v > (max - d) / 10)
            return FALSE;
        v = v * 10 + d;
    }
    frac = i < n ? i + 1 : n;   /* past the dot */
    for (guint k = 0; k < decimals; k++) {
        guint d = frac + k < n ? (guint)(s[frac + k] - '0') : 0;

        if (v > (max - d) / 10)
            return FALSE;
        v = v * 10 + d;
    }
    *partial = FALSE;
    for (gsize k = frac + decimals; k < n; k++)
        *partial |= s[k] != '0';
    *value = v;
    return TRUE;
}

/* What FIELD takes after OP, for messages. */
static const char *
expected_value(field_id field, op_id op)
{
    switch (fields[field].type) {
    case TYPE_NUMBER:
    case TYPE_DECIMAL:
        return "a number";
    case TYPE_DIGIT:
        if (op == OP_CONTAINS)
            return "a string in double quotes";
        if (op == OP_EQ || op == OP_NE)
            return "a name in double quotes or a digit";
        return "a digit";
    case TYPE_STRING:
    default:
        return "a string in double quotes";
    }
}

/* The number token V into T. */
static gboolean
read_number_value(parser *p, const token *v, select_test *t)
{
    const field_info *f = &fields[t->field];
    const char *s = p->text + v->start;
    number_shape shape = shape_of(s, v->len);
    gboolean decimal = f->type == TYPE_DECIMAL;

    t->numeric = TRUE;
    if (shape == SHAPE_BAD) {
        fail(p, v->start, NULL, "bad number %s", quote(p, v));
        return FALSE;
    }
    if (shape == SHAPE_DECIMAL && !decimal) {
        fail(p, v->start, NULL, "%s takes whole numbers, not %s", f->name, quote(p, v));
        return FALSE;
    }
    /* Milliseconds are kept as microseconds and whether a part of one
     * is left: compared exactly, with no float rounding. */
    if (read_number(s, v->len, decimal ? 3 : 0, decimal ? G_MAXINT64 : f->max, &t->number,
                    &t->fraction))
        return TRUE;
    if (decimal)
        fail(p, v->start, NULL, "number out of range: %s is at most %" G_GINT64_FORMAT ".%03u",
             f->name, G_MAXINT64 / 1000, (guint)(G_MAXINT64 % 1000));
    else if (f->type == TYPE_DIGIT)
        fail(p, v->start, NULL, "number out of range: %s is a digit, 0 to 9", f->name);
    else
        fail(p, v->start, NULL, "number out of range: %s is 0 to %" G_GUINT64_FORMAT, f->name,
             f->max);
    return FALSE;
}

/* The value after OP (P->tok) into T. */
static gboolean
read_value(parser *p, const token *op, select_test *t)
{
    const field_info *f = &fields[t->field];
    const token *v = &p->tok;
    gboolean takes_number = f->type == TYPE_NUMBER || f->type == TYPE_DECIMAL
                            || (f->type == TYPE_DIGIT && t->op != OP_CONTAINS);
    gboolean takes_string = f->type == TYPE_STRING
                            || (f->type == TYPE_DIGIT
                                && (t->op == OP_EQ || t->op == OP_NE || t->op == OP_CONTAINS));

    if (v->kind == TOK_NUMBER && !takes_number) {
        fail(p, v->start, NULL, "%s takes %s after %s, not a number", f->name,
             expected_value(t->field, t->op), quote(p, op));
        return FALSE;
    }
    if (v->kind == TOK_STRING && !takes_string) {
        fail(p, v->start, NULL, "%s takes %s after %s, not a string", f->name,
             expected_value(t->field, t->op), quote(p, op));
        return FALSE;
    }
    if (v->kind == TOK_NUMBER)
        return read_number_value(p, v, t);
    if (v->kind != TOK_STRING) {
        fail(p, v->start, NULL, "%s was expected after %s", expected_value(t->field, t->op),
             quote(p, op));
        return FALSE;
    }
    if (!read_string(p, v, t))
        return FALSE;
    if (f->named && (t->op == OP_EQ || t->op == OP_NE)
        && !name_exists(t->field, t->bytes, t->len)) {
        fail(p, v->start, field_names_hint(p, t->field), "unknown %s %s", f->name, quote(p, v));
        return FALSE;
    }
    if (t->field == FIELD_COMMAND) {
        t->fold = TRUE;
        for (gsize i = 0; i < t->len; i++)
            t->bytes[i] = (guint8)g_ascii_tolower(t->bytes[i]);
    }
    return TRUE;
}

/* Knuth-Morris-Pratt: SKIP[i] is the longest proper prefix of BYTES[0..i]
 * that also ends it, so "contains" reads each byte once, across the
 * pieces of a reply's text too. */
static void
make_skip(select_test *t)
{
    gsize k = 0;

    t->skip = g_new0(gsize, MAX(t->len, 1));
    for (gsize i = 1; i < t->len; i++) {
        while (k > 0 && t->bytes[i] != t->bytes[k])
            k = t->skip[k - 1];
        if (t->bytes[i] == t->bytes[k])
            k++;
        t->skip[i] = k;
    }
}

static guint
emit(parser *p, ins_kind kind, guint arg)
{
    select_ins ins = { kind, arg };

    g_array_append_val(p->e->program, ins);
    return p->e->program->len - 1;
}

/* Jumps waiting for their target are chained through their arg (index + 1,
 * 0 ends the chain) until it is known. */
static void
patch(parser *p, guint chain, guint target)
{
    while (chain) {
        select_ins *ins = &g_array_index(p->e->program, select_ins, chain - 1);

        chain = ins->arg;
        ins->arg = target;
    }
}

/* Each "(" and "not" recurses: counted, so that no expression can take
 * the stack deeper than SELECT_MAX_DEPTH levels of a few frames each. */
static gboolean
enter(parser *p)
{
    if (p->depth == SELECT_MAX_DEPTH) {
        fail(p, p->tok.start, NULL, "the expression nests deeper than %d levels",
             SELECT_MAX_DEPTH);
        return FALSE;
    }
    p->depth++;
    return TRUE;
}

/* FIELD [OP VALUE] */
static gboolean
parse_test(parser *p)
{
    token name = p->tok, op;
    select_test t = { 0 };
    guint id;

    for (id = 0; id < FIELD_COUNT && !word_is(p, &name, fields[id].name); id++)
        ;
    if (id == FIELD_COUNT) {
        fail(p, name.start, fields_hint(p), "unknown field %s", quote(p, &name));
        return FALSE;
    }
    t.field = (field_id)id;
    if (!advance(p))
        return FALSE;
    op = p->tok;
    switch (op.kind) {
    case TOK_CMP:
        break;
    case TOK_WORD:
    case TOK_BAD_OPERATOR:
        fail(p, op.start, OPERATORS_HINT, "unknown operator %s", quote(p, &op));
        return FALSE;
    case TOK_NUMBER:
    case TOK_STRING:
        fail(p, op.start, OPERATORS_HINT, "an operator was expected after %s",
             quote(p, &name));
        return FALSE;
    default:
        t.op = OP_EXISTS;
        g_array_append_val(p->e->tests, t);
        emit(p, INS_TEST, p->e->tests->len - 1);
        return TRUE;
    }
    t.op = op.op;
    if (op.op == OP_CONTAINS
        && (fields[id].type == TYPE_NUMBER || fields[id].type == TYPE_DECIMAL)) {
        fail(p, op.start, NULL, "%s does not apply to %s, a number: use ==, !=, <, <=, > or >=",
             quote(p, &op), fields[id].name);
        return FALSE;
    }
    if (op.op >= OP_LT && op.op <= OP_GE && fields[id].type == TYPE_STRING) {
        fail(p, op.start, NULL, "%s does not apply to %s, a string: use ==, != or contains",
             quote(p, &op), fields[id].name);
        return FALSE;
    }
    if (!advance(p))
        return FALSE;
    if (!read_value(p, &op, &t)) {
        g_free(t.bytes);
        return FALSE;
    }
    if (t.op == OP_CONTAINS)
        make_skip(&t);
    g_array_append_val(p->e->tests, t);
    emit(p, INS_TEST, p->e->tests->len - 1);
    return advance(p);
}

static gboolean parse_or(parser *p);

/* not UNARY | ( OR ) | TEST */
static gboolean
parse_unary(parser *p)
{
    token open = p->tok;

    switch (p->tok.kind) {
    case TOK_NOT:
        if (!enter(p) || !advance(p) || !parse_unary(p))
            return FALSE;
        emit(p, INS_NOT, 0);
        p->depth--;
        return TRUE;
    case TOK_LPAREN:
        if (!enter(p) || !advance(p) || !parse_or(p))
            return FALSE;
        if (p->tok.kind == TOK_END) {
            fail(p, p->tok.start, NULL,
                 "\")\" was expected after %s, to close the \"(\" of column %u",
                 quote(p, &p->prev), column_at(p->text, p->len, open.start));
            return FALSE;
        }
        if (p->tok.kind == TOK_BAD_OPERATOR) {
            fail(p, p->tok.start, NULL, "unknown operator %s", quote(p, &p->tok));
            return FALSE;
        }
        if (p->tok.kind != TOK_RPAREN) {
            fail(p, p->tok.start, NULL, "\"and\", \"or\" or \")\" was expected after %s",
                 quote(p, &p->prev));
            return FALSE;
        }
        p->depth--;
        return advance(p);
    case TOK_WORD:
        return parse_test(p);
    case TOK_BAD_OPERATOR:
        fail(p, p->tok.start, NULL, "unknown operator %s", quote(p, &p->tok));
        return FALSE;
    case TOK_OTHER:
        fail(p, p->tok.start, NULL, "unexpected character %s", quote(p, &p->tok));
        return FALSE;
    default:
        /* Only the start of the expression has no token before. */
        if (p->prev.kind == TOK_END)
            fail(p, p->tok.start, NULL, "a field, \"not\" or \"(\" was expected");
        else
            fail(p, p->tok.start, NULL, "a field, \"not\" or \"(\" was expected after %s",
                 quote(p, &p->prev));
        return FALSE;
    }
}

/* UNARY { and UNARY }: a false one decides, jumping past the rest. */
static gboolean
parse_and(parser *p)
{
    guint chain = 0;

    if (!parse_unary(p))
        return FALSE;
    while (p->tok.kind == TOK_AND) {
        chain = emit(p, INS_JUMP_FALSE, chain) + 1;
        if (!advance(p) || !parse_unary(p))
            return FALSE;
    }
    patch(p, chain, p->e->program->len);
    return TRUE;
}

/* AND { or AND }: a true one decides. */
static gboolean
parse_or(parser *p)
{
    guint chain = 0;

    if (!parse_and(p))
        return FALSE;
    while (p->tok.kind == TOK_OR) {
        chain = emit(p, INS_JUMP_TRUE, chain) + 1;
        if (!advance(p) || !parse_and(p))
            return FALSE;
    }
    patch(p, chain, p->e->program->len);
    return TRUE;
}

select_expr *
select_compile(const char *text, GError **error)
{
    parser p = { 0 };
    select_expr *e;

    g_return_val_if_fail(text != NULL, NULL);
    e = g_new0(select_expr, 1);
    e->tests = g_array_new(FALSE, TRUE, sizeof(select_test));
    e->program = g_array_new(FALSE, TRUE, sizeof(select_ins));
    p.text = text;
    /* Past the limit, only far enough to say so. */
    p.len = strnlen(text, SELECT_MAX_LENGTH + 1);
    p.e = e;
    p.error = error;
    p.quoted = g_ptr_array_new_with_free_func(g_free);
    if (p.len > SELECT_MAX_LENGTH) {
        fail(&p, G_MAXSIZE, NULL, "the expression is longer than %d bytes", SELECT_MAX_LENGTH);
    } else if (advance(&p)) {
        if (p.tok.kind == TOK_END)
            fail(&p, G_MAXSIZE, NULL, "the expression is empty");
        else if (parse_or(&p) && p.tok.kind != TOK_END) {
            if (p.tok.kind == TOK_RPAREN)
                fail(&p, p.tok.start, NULL, "unexpected \")\": no \"(\" is open");
            else if (p.tok.kind == TOK_BAD_OPERATOR)
                fail(&p, p.tok.start, NULL, "unknown operator %s", quote(&p, &p.tok));
            else if (p.tok.kind == TOK_OTHER)
                fail(&p, p.tok.start, NULL, "unexpected character %s", quote(&p, &p.tok));
            else
                fail(&p, p.tok.start, NULL, "\"and\", \"or\" or the end was expected after %s",
                     quote(&p, &p.prev));
        }
    }
    g_ptr_array_free(p.quoted, TRUE);
    if (p.failed) {
        select_free(e);
        return NULL;
    }
    return e;
}

void
select_free(select_expr *e)
{
    if (!e)
        return;
    for (guint i = 0; i < e->tests->len; i++) {
        select_test *t = &g_array_index(e->tests, select_test, i);

        g_free(t->bytes);
        g_free(t->skip);
    }
    g_array_free(e->tests, TRUE);
    g_array_free(e->program, TRUE);
    g_free(e);
}

static gboolean
number_test(const select_test *t, guint64 have)
{
    switch (t->op) {
    case OP_EQ: return have == t->number;
    case OP_NE: return have != t->number;
    case OP_LT: return have < t->number;
    case OP_LE: return have <= t->number;
    case OP_GT: return have > t->number;
    case OP_GE: return have >= t->number;
    default: return TRUE;   /* OP_EXISTS */
    }
}

/* Microseconds against a value that may hold a part of one more. */
static gboolean
latency_test(const select_test *t, guint64 us)
{
    switch (t->op) {
    case OP_EQ: return !t->fraction && us == t->number;
    case OP_NE: return t->fraction || us != t->number;
    case OP_LT: return us < t->number || (us == t->number && t->fraction);
    case OP_LE: return us <= t->number;
    case OP_GT: return us > t->number;
    case OP_GE: return us > t->number || (us == t->number && !t->fraction);
    default: return TRUE;
    }
}

/* Feeds DATA to a "contains" search that has matched *MATCHED bytes. */
static gboolean
search_feed(const select_test *t, gsize *matched, const guint8 *data, gsize len)
{
    gsize q = *matched;

    if (t->len == 0)
        return TRUE;
    for (gsize i = 0; i < len; i++) {
        guint8 c = t->fold ? (guint8)g_ascii_tolower(data[i]) : data[i];

        while (q > 0 && t->bytes[q] != c)
            q = t->skip[q - 1];
        if (t->bytes[q] == c && ++q == t->len)
            return TRUE;
    }
    *matched = q;
    return FALSE;
}

/* Feeds DATA to an "==" that has matched *MATCHED bytes. */
static gboolean
equal_feed(const select_test *t, gsize *matched, const guint8 *data, gsize len)
{
    if (len > t->len - *matched)
        return FALSE;
    for (gsize i = 0; i < len; i++) {
        guint8 c = t->fold ? (guint8)g_ascii_tolower(data[i]) : data[i];

        if (c != t->bytes[*matched + i])
            return FALSE;
    }
    *matched += len;
    return TRUE;
}

static gboolean
string_test(const select_test *t, const char *s, gsize len)
{
    gsize matched = 0;

    switch (t->op) {
    case OP_EQ:
        return equal_feed(t, &matched, (const guint8 *)s, len) && matched == t->len;
    case OP_NE:
        return !(equal_feed(t, &matched, (const guint8 *)s, len) && matched == t->len);
    case OP_CONTAINS:
        return search_feed(t, &matched, (const guint8 *)s, len);
    default:
        return TRUE;
    }
}

/* "192.0.2.1:25" or "[2001:db8::1]:25": == and != also take the address
 * alone, bracketed or not. */
static gboolean
endpoint_test(const select_test *t, const char *s)
{
    gsize len = strlen(s), addr_len;
    const char *colon = strrchr(s, ':');   /* the port's: IPv6 is bracketed */
    gboolean equal;

    if (t->op != OP_EQ && t->op != OP_NE)
        return string_test(t, s, len);
    addr_len = colon ? (gsize)(colon - s) : len;
    equal = (len == t->len && memcmp(s, t->bytes, len) == 0)
            || (addr_len == t->len && memcmp(s, t->bytes, addr_len) == 0);
    if (!equal && s[0] == '[' && addr_len >= 2 && s[addr_len - 1] == ']')
        equal = addr_len - 2 == t->len && memcmp(s + 1, t->bytes, addr_len - 2) == 0;
    return t->op == OP_EQ ? equal : !equal;
}

/* The reply's lines joined by "\n", as one string, without joining them. */
static gboolean
text_test(const select_test *t, const sr_reply *r)
{
    static const guint8 newline = '\n';
    gsize matched = 0;
    gboolean equal = TRUE;

    if (t->op == OP_EXISTS)
        return TRUE;
    for (guint i = 0; i < r->lines->len; i++) {
        gsize len;
        const guint8 *text = sr_reply_line_text(r, i, &len);

        if (t->op == OP_CONTAINS) {
            if ((i && search_feed(t, &matched, &newline, 1))
                || search_feed(t, &matched, text, len))
                return TRUE;
        } else if (equal) {
            equal = (!i || equal_feed(t, &matched, &newline, 1))
                    && equal_feed(t, &matched, text, len);
        }
    }
    if (t->op == OP_CONTAINS)
        return t->len == 0;
    equal = equal && matched == t->len;
    return t->op == OP_EQ ? equal : !equal;
}

typedef struct {
    const select_test *test;
    gboolean           hit;
    guint              seen;
} anomaly_walk;

/* Any anomaly passes the test; for !=, as in Wireshark 4: the reply has
 * anomalies and none is the one named. */
static void
anomaly_test(const char *name, const char *detail, sr_anomaly_severity severity,
             gpointer user_data)
{
    anomaly_walk *w = user_data;

    (void)detail;
    (void)severity;
    w->seen++;
    if (w->test->op == OP_NE) {
        if (w->seen == 1)
            w->hit = TRUE;
        if (!string_test(w->test, name, strlen(name)))
            w->hit = FALSE;
    } else if (!w->hit) {
        w->hit = string_test(w->test, name, strlen(name));
    }
}

/* CLASS or CATEGORY: its digit, or the name the JSON gives it (none for
 * a digit the RFC leaves unnamed). */
static gboolean
digit_test(const select_test *t, guint digit, const char *name)
{
    if (t->numeric || t->op == OP_EXISTS)
        return number_test(t, digit);
    return name && string_test(t, name, strlen(name));
}

static gboolean
test_match(const select_test *t, const reply_event *ev)
{
    const sr_reply *r = ev->reply;

    switch (t->field) {
    case FIELD_CODE:
        return ev->has_code && number_test(t, r->code);
    case FIELD_CLASS:
        return ev->has_code && digit_test(t, r->code / 100, sr_class_name(r->code / 100));
    case FIELD_CATEGORY:
        return ev->has_code
               && digit_test(t, r->code / 10 % 10, sr_category_name(r->code / 10 % 10));
    case FIELD_ENHANCED:
        {
            const sr_enhanced *enh = sr_reply_enhanced(r);
            char code[16];

            if (!enh)
                return FALSE;
            sr_enhanced_format(enh, code, sizeof code);
            return string_test(t, code, strlen(code));
        }
    case FIELD_COMMAND:
        return ev->command && string_test(t, ev->command, strlen(ev->command));
    case FIELD_ARGUMENT:
        return ev->request && ev->request->has_argument
               && string_test(t, ev->request->argument, ev->request->argument_len);
    case FIELD_CLIENT:
        return ev->client && endpoint_test(t, ev->client);
    case FIELD_SERVER:
        return ev->server && endpoint_test(t, ev->server);
    case FIELD_REASON:
        {
            const char *name = sr_reason_name(ev->reason.reason);

            return name && string_test(t, name, strlen(name));
        }
    case FIELD_ANOMALY:
        {
            anomaly_walk w = { t, FALSE, 0 };

            reply_event_foreach_anomaly(ev, anomaly_test, &w);
            return w.hit;
        }
    case FIELD_LATENCY_MS:
        return ev->latency_us >= 0 && latency_test(t, (guint64)ev->latency_us);
    case FIELD_FLOW:
        return number_test(t, ev->flow_id);
    case FIELD_FRAME:
        /* In its own file, when several are read as one. */
        return number_test(t, frame_number(ev->frame));
    case FIELD_TEXT:
        return text_test(t, r);
    default:
        return FALSE;
    }
}

gboolean
select_match(const select_expr *e, const reply_event *ev)
{
    const select_ins *program = (const select_ins *)(gconstpointer)e->program->data;
    const select_test *tests = (const select_test *)(gconstpointer)e->tests->data;
    gboolean r = FALSE;
    guint pc = 0;

    while (pc < e->program->len) {
        const select_ins *ins = &program[pc++];

        switch (ins->kind) {
        case INS_TEST:
            r = test_match(&tests[ins->arg], ev);
            break;
        case INS_NOT:
            r = !r;
            break;
        case INS_JUMP_FALSE:
            if (!r)
                pc = ins->arg;
            break;
        case INS_JUMP_TRUE:
            if (r)
                pc = ins->arg;
            break;
        }
    }
    return r;
}
