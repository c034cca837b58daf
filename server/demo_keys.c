/*
 * The demo agencies' PRIVATE keys, for `myna-bff --demo` to sign its demo
 * notices with.  DEMO KEYS ONLY: they are published here and in
 * keys/demo/private/, so anyone can sign with them.  Their public halves
 * are the keys/demo/AGENCY.pem files, which no client trusts unless its settings say so
 * (agency_keys = keys/demo, as tools/demo and the tests set it); never add
 * them to the keys a real system trusts.  test_sig checks that these are
 * the same keys as the files.
 */
#include "demo_keys.h"

const struct demo_key demo_keys[] = {
        {"demo-chiyoda",
         "-----BEGIN PRIVATE KEY-----\n"
         "MC4CAQAwBQYDK2VwBCIEIFQt2LUahayTeInt2YUtJSJD1CeP6VKAGW+GWY7aBhzP\n"
         "-----END PRIVATE KEY-----\n"},
        {"demo-nenkin",
         "-----BEGIN PRIVATE KEY-----\n"
         "MC4CAQAwBQYDK2VwBCIEIL1cXVMZOBTStP5DtZikXgYHD+NHEKZ5KFXZzbxDABm9\n"
         "-----END PRIVATE KEY-----\n"},
        {"demo-digital",
         "-----BEGIN PRIVATE KEY-----\n"
         "MC4CAQAwBQYDK2VwBCIEIFCIRCeQkeeEg/57WDfgzx9UTCB/P0pQqC+DOkDoKnj1\n"
         "-----END PRIVATE KEY-----\n"},
        {"demo-nta",
         "-----BEGIN PRIVATE KEY-----\n"
         "MC4CAQAwBQYDK2VwBCIEIJf4zZG8+Yh6+YSCvmkEWet5mt5XSV+S7KTdiNgukblY\n"
         "-----END PRIVATE KEY-----\n"},
};

const size_t demo_nkeys = sizeof demo_keys / sizeof demo_keys[0];
