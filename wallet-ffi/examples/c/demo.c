/*
 * A full user flow through the C ABI:
 *   generate a mnemonic, create a wallet in a keystore, derive addresses,
 *   sign a message, fund the wallet from the anvil dev account, sign and send
 *   an Ethereum transaction from it, read the receipt and the balance, and
 *   free everything.
 *
 *   usage: demo RPC_URL KEYSTORE_DIR
 * Prints "KEY value" lines that tests/ffi (Rust) checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wallet.h"

#define DEV_MNEMONIC "test test test test test test test test test test test junk"
/* Weak KDF parameters keep the demo fast (and valgrind bearable). */
#define FAST_KDF "{\"kdf_memory_kib\":256,\"kdf_iterations\":1,\"kdf_parallelism\":1,\"allow_weak_kdf\":true}"

static int check(WalletStatus st, const char *what) {
    if (st != WALLET_STATUS_OK) {
        fprintf(stderr, "%s failed: %s (%s)\n", what, wallet_status_name(st), wallet_last_error_message());
        return 0;
    }
    return 1;
}

/* The value of "key":"…" in a flat JSON string (enough for this demo). */
static void json_field(const char *json, const char *key, char *out, size_t n) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    out[0] = 0;
    if (!p) return;
    p += strlen(pat);
    if (*p == '"') p++;
    size_t i = 0;
    while (*p && *p != '"' && *p != ',' && *p != '}' && i + 1 < n) out[i++] = *p++;
    out[i] = 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s RPC_URL KEYSTORE_DIR\n", argv[0]);
        return 2;
    }
    const char *url = argv[1];
    int ok = 1;
    char *version = NULL, *phrase = NULL, *json = NULL, *created = NULL, *dev = NULL;
    char *sig = NULL, *funding = NULL, *sent = NULL, *balance = NULL, *list = NULL;
    WalletKeystore *ks = NULL;
    WalletHandle *fresh = NULL, *devw = NULL;
    char addr[64], devaddr[64], req[512], field[128];

    ok = ok && check(wallet_version(&version), "version");
    if (ok) printf("VERSION %s\n", version);

    ok = ok && check(wallet_mnemonic_generate(12, "english", &phrase), "mnemonic_generate");
    ok = ok && check(wallet_mnemonic_validate(phrase, NULL, &json), "mnemonic_validate");
    if (ok) printf("MNEMONIC_CHECK %s\n", json);
    wallet_string_free(json);
    json = NULL;

    /* Addresses of the anvil dev mnemonic, derived without a keystore. */
    ok = ok && check(wallet_derive_addresses(DEV_MNEMONIC, NULL, "{\"chain\":\"eth\",\"count\":2}", &json), "derive");
    if (ok) printf("DERIVED %s\n", json);
    wallet_string_free(json);
    json = NULL;

    ok = ok && check(wallet_keystore_open(argv[2], &ks), "keystore_open");
    ok = ok && check(wallet_keystore_create(ks, "fresh", "correct horse", FAST_KDF, &created), "keystore_create");
    if (ok) {
        json_field(created, "eth", addr, sizeof addr);
        printf("FRESH_ETH %s\n", addr);
    }
    ok = ok && check(wallet_keystore_import(ks, "dev", "mnemonic", DEV_MNEMONIC, "dev password", FAST_KDF, &dev), "keystore_import");
    if (ok) {
        json_field(dev, "eth", devaddr, sizeof devaddr);
        printf("DEV_ETH %s\n", devaddr);
    }
    ok = ok && check(wallet_keystore_list(ks, &list), "keystore_list");
    if (ok) printf("LIST %s\n", list);

    ok = ok && check(wallet_keystore_unlock(ks, "fresh", "correct horse", 1, &fresh), "unlock fresh");
    ok = ok && check(wallet_keystore_unlock(ks, "dev", "dev password", 1, &devw), "unlock dev");
    /* Wrong password: a status, not a crash. */
    if (ok) {
        WalletHandle *nope = NULL;
        WalletStatus st = wallet_keystore_unlock(ks, "dev", "wrong", 1, &nope);
        printf("WRONG_PASSWORD %s\n", wallet_status_name(st));
    }

    const char *msg = "hello from C";
    ok = ok && check(wallet_eth_personal_sign(fresh, NULL, (const uint8_t *)msg, strlen(msg), &sig), "personal_sign");
    if (ok) printf("SIGNED %s\n", sig);

    /* Fund the fresh wallet, then send part of it back. */
    snprintf(req, sizeof req, "{\"to\":\"%s\",\"value\":\"1ether\",\"wait\":true,\"chain_id\":31337}", addr);
    ok = ok && check(wallet_eth_send(devw, url, req, 30000, &funding), "fund");
    if (ok) {
        json_field(funding, "status", field, sizeof field);
        printf("FUND_STATUS %s\n", field);
    }
    snprintf(req, sizeof req, "{\"to\":\"%s\",\"value\":\"0.25ether\",\"wait\":true}", devaddr);
    ok = ok && check(wallet_eth_send(fresh, url, req, 30000, &sent), "send");
    if (ok) {
        json_field(sent, "status", field, sizeof field);
        printf("TX_STATUS %s\n", field);
        json_field(sent, "hash", field, sizeof field);
        printf("TX_HASH %s\n", field);
    }
    ok = ok && check(wallet_eth_balance(url, addr, 30000, &balance), "balance");
    if (ok) {
        json_field(balance, "wei", field, sizeof field);
        printf("BALANCE_WEI %s\n", field);
    }

    wallet_string_free(version);
    wallet_string_free(phrase);
    wallet_string_free(created);
    wallet_string_free(dev);
    wallet_string_free(list);
    wallet_string_free(sig);
    wallet_string_free(funding);
    wallet_string_free(sent);
    wallet_string_free(balance);
    wallet_handle_free(fresh);
    wallet_handle_free(devw);
    wallet_keystore_free(ks);
    if (ok) printf("DONE\n");
    return ok ? 0 : 1;
}
