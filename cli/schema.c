/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sriovctl help --schema OBJECT [VERB]: the JSON Schema of what the verb
 * writes with -j. The schemas are the files of cli/schemas/, compiled in (see
 * the Makefile), so that a binary prints the schema of exactly the
 * output it writes. Each file holds definitions; all of them go under
 * $defs, and a $ref names the one of the verb, "OBJECT_VERB".
 */
#include <string.h>

#include "cli.h"

/* generated from the files of cli/schemas/: their texts, NULL-terminated */
extern const char *const cli_schema_files[];

/* Whether a file defines name: a key at the top level, indented by two. */
static bool defined(const char *name)
{
	char key[80];

	snprintf(key, sizeof(key), "\n  \"%s\": ", name);
	for (const char *const *f = cli_schema_files; *f; f++)
		if (strstr(*f, key))
			return true;
	return false;
}

/* The inside of a file's outer braces, indented two more. */
static void write_defs(const char *text, bool last, FILE *f)
{
	const char *open = strchr(text, '{'), *close = strrchr(text, '}');

	while (close > open && strchr(" \t\n", close[-1]))
		close--;
	for (const char *p = open + 1; p < close; p++) {
		if (p[-1] == '\n')
			fputs("  ", f);
		fputc(*p, f);
	}
	fputs(last ? "\n" : ",", f);
}

static void write_schema(const char *name, const char *title, FILE *f)
{
	fputs("{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n", f);
	fprintf(f, "  \"$id\": \"urn:sriovctl:output:1%s%s\",\n",
		name ? ":" : "", name ? name : "");
	fputs("  \"title\": ", f);
	json_write_string(f, title);
	fputs(",\n", f);
	if (name)
		fprintf(f, "  \"$ref\": \"#/$defs/%s\",\n", name);
	fputs("  \"$defs\": {", f);
	for (const char *const *t = cli_schema_files; *t; t++)
		write_defs(*t, !t[1], f);
	fputs("  }\n}\n", f);
}

/* The object and verb named, a command (verb NULL), or NULL. */
static const struct object *find_command(const struct object *objects,
					 const char *name, const char *verb)
{
	for (const struct object *o = objects; o->name; o++) {
		if (strcmp(o->name, name) != 0 || !strcmp(o->name, "help"))
			continue;
		if (!o->verbs)
			return verb ? NULL : o;
		for (const struct verb *v = o->verbs; verb && v->name; v++)
			if (!strcmp(v->name, verb))
				return o;
	}
	return NULL;
}

int cli_print_schema(struct cli *cli, const struct object *objects, int argc,
		     char **argv)
{
	const char *verb = argc == 3 ? argv[2] : NULL;
	char name[64], title[96];

	if (argc == 1) {
		write_schema(NULL, "sriovctl -j: every output's definition", stdout);
		return EXIT_OK;
	}
	if (argc > 3 || !find_command(objects, argv[1], verb))
		return cli_error(cli, EXIT_USAGE,
				 "usage: sriovctl help --schema OBJECT VERB, or COMMAND (apply, doctor, recover, restore)");
	snprintf(name, sizeof(name), "%s%s%s", argv[1], verb ? "_" : "",
		 verb ? verb : "");
	snprintf(title, sizeof(title), "sriovctl -j %s%s%s", argv[1],
		 verb ? " " : "", verb ? verb : "");
	if (!defined(name))
		return cli_error(cli, EXIT_USAGE, "\"%s\" writes no JSON",
				 title + strlen("sriovctl -j "));
	write_schema(name, title, stdout);
	return EXIT_OK;
}
