/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sr_argument.h"

#include <string.h>

static gboolean
starts_with_ci(const char *p, gsize len, const char *prefix)
{
    gsize n = strlen(prefix);

    return len >= n && g_ascii_strncasecmp(p, prefix, n) == 0;
}

gboolean
sr_path_parse(const sr_command *cmd, sr_path *out)
{
    const char *prefix = cmd->kind == SR_CMD_MAIL ? "FROM:" : cmd->kind == SR_CMD_RCPT ? "TO:" : NULL;
    const char *p = cmd->argument;
    gsize len = cmd->argument_len, i;

    memset(out, 0, sizeof *out);
    if (!prefix || !cmd->has_argument || !starts_with_ci(p, len, prefix))
        return FALSE;
    i = strlen(prefix);
    while (i < len && p[i] == ' ')
        i++;
    if (i == len)
        return FALSE;
    if (p[i] == '<') {
        const char *close = memchr(p + i + 1, '>', len - i - 1);
        const char *at;
        gsize start = i + 1, end;

        if (!close)
            return FALSE;
        end = (gsize)(close - p);
        /* A source route "<@a,@b:user@host>" is to be ignored (RFC 5321 C). */
        if (start < end && p[start] == '@' && (at = memchr(p + start, ':', end - start)))
            start = (gsize)(at - p) + 1;
        out->address = p + start;
        out->address_len = end - start;
        out->bracketed = TRUE;
        i = end + 1;
    } else {
        gsize start = i;

        while (i < len && p[i] != ' ')
            i++;
        out->address = p + start;
        out->address_len = i - start;
    }
    while (i < len && p[i] == ' ')
        i++;
    if (i < len) {
        out->params = p + i;
        out->params_len = len - i;
    }
    return TRUE;
}

const char *
sr_param_find(const char *params, gsize len, const char *name, gsize *value_len)
{
    gsize i = 0, n = strlen(name);

    while (params && i < len) {
        gsize start = i, key_end, end;

        while (i < len && params[i] != ' ')
            i++;
        end = i;
        while (i < len && params[i] == ' ')
            i++;
        key_end = start;
        while (key_end < end && params[key_end] != '=')
            key_end++;
        if (key_end - start == n && g_ascii_strncasecmp(params + start, name, n) == 0) {
            gsize value = key_end < end ? key_end + 1 : end;

            *value_len = end - value;
            return params + value;
        }
    }
    return NULL;
}

const char *
sr_hello_domain(const sr_command *cmd, gsize *len)
{
    const char *end;

    if ((cmd->kind != SR_CMD_HELO && cmd->kind != SR_CMD_EHLO && cmd->kind != SR_CMD_LHLO)
            || !cmd->has_argument)
        return NULL;
    end = memchr(cmd->argument, ' ', cmd->argument_len);
    *len = end ? (gsize)(end - cmd->argument) : cmd->argument_len;
    return *len ? cmd->argument : NULL;
}

gboolean
sr_mail_size(const sr_command *cmd, guint64 *size)
{
    sr_path path;
    const char *v;
    gsize n;
    guint64 total = 0;

    if (cmd->kind != SR_CMD_MAIL || !sr_path_parse(cmd, &path)
            || !(v = sr_param_find(path.params, path.params_len, "SIZE", &n)) || n == 0 || n > 19)
        return FALSE;
    for (gsize i = 0; i < n; i++) {
        if (!g_ascii_isdigit(v[i]))
            return FALSE;
        total = total * 10 + (guint64)(v[i] - '0');
    }
    *size = total;
    return TRUE;
}
