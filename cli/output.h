/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one output path of sriovctl. Commands describe their result as a
 * tree of objects, lists and fields; the tree is then written as JSON
 * (-j) or as text: a list of objects becomes an aligned table, an object
 * becomes "label: value" lines.
 *
 * Every field has a JSON key and a text label; a NULL key keeps a field
 * out of JSON, a NULL label keeps it out of text.
 */
#ifndef SRIOVCTL_OUTPUT_H
#define SRIOVCTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct out;

struct out *out_new(bool json, bool pretty);
void out_free(struct out *o);

/* Containers: top level, or as a field of the enclosing object. */
void out_obj_begin(struct out *o, const char *key, const char *label);
void out_obj_end(struct out *o);
void out_list_begin(struct out *o, const char *key, const char *label);
void out_list_end(struct out *o);

void out_str(struct out *o, const char *key, const char *label,
	     const char *value);                 /* NULL: null */
void out_int(struct out *o, const char *key, const char *label,
	     long long value, bool present);
/* A hex identifier: JSON string of width digits ("8086"), text likewise. */
/* A whole number already in decimal digits; NULL: null. */
void out_number(struct out *o, const char *key, const char *label,
		const char *digits);
void out_hex(struct out *o, const char *key, const char *label,
	     unsigned long value, int width, bool present);
/*
 * Booleans (sriovctl(8), OUTPUT): a switch that can be turned on or off
 * (spoofchk, autoprobe) is out_bool, text "on"/"off"; any other fact
 * (changed, viable, bridge) is out_yesno, text "yes"/"no". JSON has
 * true/false for both.
 */
void out_bool(struct out *o, const char *key, const char *label,
	      int value);                        /* <0: null */
void out_yesno(struct out *o, const char *key, const char *label, bool value);
/* Text-only representation differing from JSON (e.g. "on"/"off"). */
void out_text(struct out *o, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void out_strv(struct out *o, const char *key, const char *label,
	      const char *const *values);

/* Writes the whole tree and empties it. */
void out_flush(struct out *o, FILE *f);

/*
 * A JSON string: bytes that are not well-formed UTF-8 become U+FFFD,
 * control characters (C0, DEL, C1) are escaped.
 */
void json_write_string(FILE *f, const char *s);

/*
 * A line for the terminal (an error or warning on stderr): the formatted
 * text with control characters and bytes that are not UTF-8 written as
 * \xNN, as text output writes every value.
 */
void text_write_line(FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same for s alone, without a newline. */
void text_write(FILE *f, const char *s);

#endif
