/* SPDX-License-Identifier: ISC */
/*
 * fixture_dir.h - the scratch folder of a unit test: fx_dir_make() makes a
 * new mkdtemp() folder /tmp/<name>.XXXXXX, fx_dir_count() counts what is
 * in it, fx_dir_remove() removes it with everything inside (nftw, no
 * shell).  Each test asks only about its own folder, never about a glob
 * of /tmp that a parallel run shares.  Header-only.
 */
#ifndef ARRAYD_FIXTURE_DIR_H
#define ARRAYD_FIXTURE_DIR_H

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FX_DIR_MAX	64	/* fits /tmp/<name>.XXXXXX for a short name */

/* Make the folder; `dir` (FX_DIR_MAX bytes) gets its path.  0 or -1. */
static inline int
fx_dir_make(char *dir, const char *name)
{
	if (snprintf(dir, FX_DIR_MAX, "/tmp/%s.XXXXXX", name) >= FX_DIR_MAX)
		return -1;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

/* Entries of `dir` whose name starts with `prefix` ("" for all, but . and ..). */
static inline int
fx_dir_count(const char *dir, const char *prefix)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0 &&
		    strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

static inline int
fx_dir_unlink(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove the folder and everything in it.  0 or -1. */
static inline int
fx_dir_remove(const char *dir)
{
	if (nftw(dir, fx_dir_unlink, 16, FTW_DEPTH | FTW_PHYS) != 0) {
		fprintf(stderr, "cannot remove %s\n", dir);
		return -1;
	}
	return 0;
}

#endif /* ARRAYD_FIXTURE_DIR_H */
