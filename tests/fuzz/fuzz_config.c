/* fuzz_config.c - the config file (~/.config/meshpanel/config.yaml). A
 * refused file leaves the defaults untouched and its error starts with the
 * file name; an accepted one gives key codes that name themselves back
 * (key_to_name -> key_from_name) and a positive refresh. */
#include "fuzz.h"
#include "tui/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mp_config cfg;
    if (config_init(&cfg))
        return 0;
    mp_err err;
    if (config_parse(&cfg, (const char *)data, size, "config.yaml", &err) < 0) {
        FUZZ_ASSERT(!strncmp(err.msg, "config.yaml", 11), "%s", err.msg);
        FUZZ_ASSERT(!cfg.theme && !cfg.gateway_mode && !cfg.shared_gateway && !cfg.domain_suffix &&
                        !strcmp(cfg.tenant_prefix, "ns-") && !cfg.read_only_set &&
                        !cfg.refresh_seconds && !cfg.nkeys,
                    "a refused file changed the settings");
    } else {
        FUZZ_ASSERT(cfg.tenant_prefix && cfg.refresh_seconds >= 0, "tenant prefix / refresh");
        for (size_t i = 0; i < cfg.nkeys; i++)
            for (size_t k = 0; k < cfg.keys[i].nkeys; k++) {
                char name[64];
                const char *n = key_to_name(cfg.keys[i].keys[k], name, sizeof name);
                FUZZ_ASSERT(n && key_from_name(n) == cfg.keys[i].keys[k], "key %d named %s",
                            cfg.keys[i].keys[k], n ? n : "(null)");
            }
    }
    config_free(&cfg);
    return 0;
}
