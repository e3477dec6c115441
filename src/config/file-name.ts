/** The config file `plan` and `push` look for in the current folder. */
export const CONFIG_FILE = 'headroom.yaml';
