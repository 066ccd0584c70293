/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The client's side of an SMTP conversation, read only as far as pairing
 * and transactions need: which commands were sent, when, and with what
 * argument.  Message bodies (DATA, BDAT chunks), AUTH answers, AUTH's
 * initial response and anything after STARTTLS are skipped, never kept:
 * credentials do not reach any caller.
 */
#ifndef SR_COMMAND_H
#define SR_COMMAND_H

#include <glib.h>

#include "sr_line.h"

#define SR_VERB_MAX 15
/* What is kept of a command's argument.  RFC 5321 4.5.3.1.4 allows a
 * command line 512 octets: a verb, a space and 505 of argument. */
#define SR_ARGUMENT_MAX 505

typedef enum {
    SR_CMD_GREETING,       /* pseudo: what the connection's first reply answers */
    SR_CMD_HELO,
    SR_CMD_EHLO,
    SR_CMD_LHLO,           /* LMTP's greeting (RFC 2033 4.1): the session is LMTP */
    SR_CMD_MAIL,
    SR_CMD_RCPT,
    SR_CMD_DATA,
    SR_CMD_END_OF_DATA,    /* pseudo: the CRLF.CRLF that ends a DATA body */
    SR_CMD_BDAT,
    SR_CMD_RSET,
    SR_CMD_VRFY,
    SR_CMD_EXPN,
    SR_CMD_HELP,
    SR_CMD_NOOP,
    SR_CMD_QUIT,
    SR_CMD_STARTTLS,
    SR_CMD_AUTH,
    SR_CMD_AUTH_RESPONSE,  /* pseudo: a client line answering a 334 challenge */
    SR_CMD_ETRN,
    SR_CMD_UNKNOWN,        /* a verb this decoder does not know */
    SR_CMD_COUNT
} sr_command_kind;

/* sr_command.offset of a command not read from the client's stream (the
 * greeting, or an end of data whose dot a gap took). */
#define SR_NOT_READ G_MAXUINT64

typedef struct {
    sr_command_kind kind;
    char     verb[SR_VERB_MAX + 1]; /* as sent, upper-cased, printable ASCII only */
    guint64  offset;                /* client stream offset of the line */
    gsize    length;                /* its bytes, CRLF included */
    gint64   time_us;               /* when its first byte was fed */
    guint64  frame;                 /* the caller's packet id for that byte */
    guint64  bdat_size;             /* BDAT: the chunk's announced size */
    gboolean bdat_last;             /* BDAT: LAST given */
    /* The line after the verb and one space, as sent (any byte but NUL
     * and the line end); for AUTH the mechanism only.  has_argument is
     * FALSE when nothing follows the verb, and for pseudo-commands. */
    gboolean has_argument;
    gboolean argument_cut;          /* longer than SR_ARGUMENT_MAX: the rest is not kept */
    guint16  argument_len;
    char     argument[SR_ARGUMENT_MAX + 1];
} sr_command;

/* How the client's next bytes are to be read. */
typedef enum {
    SR_CLIENT_COMMANDS,        /* command lines */
    SR_CLIENT_BODY,            /* DATA body lines, up to a line "." */
    SR_CLIENT_CHUNK,           /* BDAT chunk bytes, counted */
    SR_CLIENT_AUTH_RESPONSE,   /* one line answering a 334 challenge */
    SR_CLIENT_TLS,             /* STARTTLS done: nothing more is SMTP */
    SR_CLIENT_HOLD,            /* after DATA: held until its reply says what they are */
} sr_client_mode;

/* Bytes held after DATA, at most: past it they are taken for the message. */
#define SR_HOLD_MAX 65536

typedef void (*sr_command_func)(const sr_command *command, gpointer user_data);

/* A command reader: the client's bytes in, commands out, each with when
 * its first byte came.  Its state is the decoder's own. */
typedef struct sr_client sr_client;

sr_client *sr_client_new(sr_command_func func, gpointer user_data);
void sr_client_free(sr_client *c);
/* As after sr_client_new() with the same arguments; its memory is kept. */
void sr_client_reset(sr_client *c);
void sr_client_feed(sr_client *c, const guint8 *data, gsize len, gint64 time_us, guint64 frame);
/* MISSING client bytes were lost; reading goes on at the next line.  Read
 * as commands, a first line of no known verb is named "<partial>" as after
 * sr_client_resync: the lost bytes may have begun it. */
void sr_client_gap(sr_client *c, guint64 missing);
/* From SR_CLIENT_HOLD, the held bytes are read again in the new mode. */
void sr_client_set_mode(sr_client *c, sr_client_mode mode);
/* The capture began mid-conversation: a first line whose verb is unknown is
 * taken for the end of a command sent before it, named "<partial>". */
void sr_client_resync(sr_client *c);

/* "EHLO", "<greeting>", "<end-of-data>", "<auth-response>", ...; for
 * SR_CMD_UNKNOWN the verb as sent. */
const char *sr_command_name(const sr_command *command);
const char *sr_command_kind_name(sr_command_kind kind);
/* The codes RFC 5321 4.3.2 (or the command's own RFC) allows in reply,
 * as text such as "250, 502, 504, 550"; NULL for unknown commands. */
const char *sr_command_allowed_text(sr_command_kind kind);
gboolean sr_command_allows(sr_command_kind kind, guint code);

#endif /* SR_COMMAND_H */
