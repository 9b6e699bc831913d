/* SPDX-License-Identifier: ISC */
/*
 * replay.c - feed saved inputs to the fuzz entry point without libFuzzer.
 *
 * `replay DIR...` runs every regular file under each DIR (recursively; a
 * missing DIR is skipped) through LLVMFuzzerTestOneInput, so the corpus and
 * the integration fixtures are regression tests in `make check` (a crash or
 * abort fails the run).  Prints "replay: N files" and exits 0.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_FILE	(64u * 1024 * 1024)
#define REPLAY_MAX_DEPTH 16

/* Returns 0 or -errno; the buffer is ours and freed here. */
static int
replay_file(const char *path, size_t *count)
{
	struct stat st;
	uint8_t *buf;
	FILE *f;
	int rc = 0;

	if ((f = fopen(path, "rb")) == NULL)
		return -errno;
	if (fstat(fileno(f), &st) == -1 || st.st_size > REPLAY_MAX_FILE) {
		rc = -EFBIG;
		goto out_close;
	}
	/* +1: a zero-length file still gets a valid pointer. */
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		rc = -ENOMEM;
		goto out_close;
	}
	if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		rc = -EIO;
		goto out_free;
	}
	LLVMFuzzerTestOneInput(buf, (size_t)st.st_size);
	(*count)++;
out_free:
	free(buf);
out_close:
	fclose(f);
	return rc;
}

static void
replay_dir(const char *dir, size_t *count, int depth)
{
	struct dirent *de;
	struct stat st;
	char path[4096];
	DIR *d;

	if (depth > REPLAY_MAX_DEPTH || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) >= sizeof(path) || stat(path, &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode))
			replay_dir(path, count, depth + 1);
		else if (S_ISREG(st.st_mode) && replay_file(path, count) != 0)
			fprintf(stderr, "replay: %s: unreadable\n", path);
	}
	closedir(d);
}

int
main(int argc, char **argv)
{
	size_t count = 0;
	int i;

	for (i = 1; i < argc; i++)
		replay_dir(argv[i], &count, 0);
	printf("replay: %zu files\n", count);
	return 0;
}
