# Whether a file may hold a secret the service reads (JWT key, TURN secret, metrics token), with builtins only:
# module.nix asserts it for every such option, and CI evaluates it (NixServiceTest). An absolute path outside the
# Nix store, which is world-readable; a Nix path literal (./secret) never gets here, the options are strings.
file: builtins.isString file && builtins.substring 0 1 file == "/" && builtins.substring 0 (builtins.stringLength "${builtins.storeDir}/") file != "${builtins.storeDir}/"
