/*
 * paths: where myna keeps its files, after the XDG base directories.
 *   config       $XDG_CONFIG_HOME/myna/config       (~/.config)
 *   store        $XDG_DATA_HOME/myna/myna.db        (~/.local/share)
 *   credentials  $XDG_STATE_HOME/myna/credentials   (~/.local/state), 0600
 *   socket       $XDG_RUNTIME_DIR/myna/mynad.sock   (the state directory when unset)
 * Each function returns a newly allocated path that the caller frees, or
 * NULL when neither the XDG variable nor HOME is set.
 */
#ifndef MYNA_PATHS_H
#define MYNA_PATHS_H

char *paths_config_file(void);
char *paths_store_file(void);
char *paths_credentials_file(void);
char *paths_socket_file(void);
char *paths_lock_file(void);	/* $XDG_RUNTIME_DIR/myna/mynad.lock */

/* Creates the directory that holds file, and its parents, with mode 0700.
 * Returns 0, or -1 with a newly allocated reason in *cause. */
int paths_make_parent(const char *file, char **cause);

/* Where one of myna's own files is: the value of the environment variable
 * env when set; else beside, relative to the running program's directory
 * (the build tree: bin/../build/locale), when there(path) says it is
 * there; else installed.  Returns a newly allocated path. */
char *paths_find(const char *env, const char *beside, int (*there)(const char *path),
		 const char *installed);
/* For paths_find: whether path is a directory; whether anything is there. */
int paths_is_dir(const char *path);
int paths_exists(const char *path);

#endif
