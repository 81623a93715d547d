/*
 * Stress test of the C ABI: many calls from several threads on shared
 * handles, and every error path (NULL pointers, invalid UTF-8, wrong
 * password, node down, malformed JSON), each freeing what it gets.
 *
 *   usage: stress KEYSTORE_DIR DEAD_RPC_URL
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wallet.h"

#define FAST_KDF "{\"kdf_memory_kib\":256,\"kdf_iterations\":1,\"kdf_parallelism\":1,\"allow_weak_kdf\":true}"
#define THREADS 4
static int rounds = 25; /* STRESS_ROUNDS overrides (fewer under valgrind) */

static WalletKeystore *ks;
static WalletHandle *w;
static const char *dead_url;
static int failures;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void fail(const char *what) {
    pthread_mutex_lock(&lock);
    failures++;
    fprintf(stderr, "%s\n", what);
    pthread_mutex_unlock(&lock);
}

static void expect(WalletStatus got, WalletStatus want, const char *what) {
    if (got != want) {
        pthread_mutex_lock(&lock);
        failures++;
        fprintf(stderr, "%s: got %s, want %s (%s)\n", what, wallet_status_name(got), wallet_status_name(want),
                wallet_last_error_message());
        pthread_mutex_unlock(&lock);
    }
}

static void *worker(void *arg) {
    (void)arg;
    static const char bad_utf8[] = {(char)0xff, (char)0xfe, 0};
    for (int i = 0; i < rounds; i++) {
        char *s = NULL;
        expect(wallet_mnemonic_generate(24, "spanish", &s), WALLET_STATUS_OK, "generate");
        char *v = NULL;
        expect(wallet_mnemonic_validate(s, NULL, &v), WALLET_STATUS_OK, "validate");
        wallet_string_free(v);
        wallet_string_free(s);
        s = NULL;
        expect(wallet_mnemonic_generate(13, NULL, &s), WALLET_STATUS_INVALID_MNEMONIC, "bad word count");
        expect(wallet_mnemonic_generate(12, "klingon", &s), WALLET_STATUS_INVALID_INPUT, "bad language");
        expect(wallet_mnemonic_generate(12, NULL, NULL), WALLET_STATUS_NULL_POINTER, "null out");
        expect(wallet_mnemonic_validate(NULL, NULL, &s), WALLET_STATUS_NULL_POINTER, "null phrase");
        expect(wallet_mnemonic_validate(bad_utf8, NULL, &s), WALLET_STATUS_INVALID_UTF8, "bad utf8");
        expect(wallet_mnemonic_validate("abandon abandon", NULL, &s), WALLET_STATUS_INVALID_MNEMONIC, "short phrase");
        expect(wallet_derive_addresses("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
                                       NULL, "{\"chain\":\"eth\",\"count\":3}", &s), WALLET_STATUS_OK, "derive");
        wallet_string_free(s);
        s = NULL;
        expect(wallet_derive_addresses("x", NULL, "{not json", &s), WALLET_STATUS_INVALID_INPUT, "bad json");
        expect(wallet_derive_addresses("x", NULL, "{\"nope\":1}", &s), WALLET_STATUS_INVALID_INPUT, "unknown field");
        /* Shared handles from several threads. */
        expect(wallet_eth_personal_sign(w, NULL, (const uint8_t *)"m", 1, &s), WALLET_STATUS_OK, "sign");
        wallet_string_free(s);
        s = NULL;
        expect(wallet_eth_personal_sign(w, NULL, NULL, 5, &s), WALLET_STATUS_NULL_POINTER, "null message");
        expect(wallet_eth_personal_sign(NULL, NULL, (const uint8_t *)"m", 1, &s), WALLET_STATUS_NULL_POINTER, "null handle");
        expect(wallet_eth_sign_tx(w, "{\"to\":\"0x1234\"}", &s), WALLET_STATUS_INVALID_INPUT, "bad tx");
        expect(wallet_eth_sign_tx(w,
                                  "{\"to\":\"0x70997970C51812dc3A010C7d01b50e0d17dc79C8\",\"value\":\"1wei\",\"nonce\":1,\"gas\":21000,"
                                  "\"chain_id\":1,\"max_fee\":\"2gwei\",\"priority_fee\":\"1gwei\"}", &s),
               WALLET_STATUS_OK, "sign tx");
        wallet_string_free(s);
        s = NULL;
        expect(wallet_btc_sign_psbt(w, "not a psbt", NULL, &s), WALLET_STATUS_INVALID_INPUT, "bad psbt");
        expect(wallet_keystore_list(ks, &s), WALLET_STATUS_OK, "list");
        wallet_string_free(s);
        s = NULL;
        WalletHandle *h = NULL;
        expect(wallet_keystore_unlock(ks, "s", "wrong", 1, &h), WALLET_STATUS_WRONG_PASSWORD, "wrong password");
        expect(wallet_keystore_unlock(ks, "missing", "pw", 1, &h), WALLET_STATUS_NOT_FOUND, "missing wallet");
        expect(wallet_keystore_unlock(ks, "../x", "pw", 1, &h), WALLET_STATUS_INVALID_INPUT, "bad name");
        if (i % 5 == 0) {
            expect(wallet_eth_balance(dead_url, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", 2000, &s),
                   WALLET_STATUS_NODE_UNREACHABLE, "node down");
            expect(wallet_btc_broadcast(dead_url, NULL, NULL, "0200", 2000, &s), WALLET_STATUS_INVALID_INPUT, "bad tx hex");
        }
        if (s != NULL) fail("an out-pointer was written on failure");
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s KEYSTORE_DIR DEAD_RPC_URL\n", argv[0]);
        return 2;
    }
    dead_url = argv[2];
    if (getenv("STRESS_ROUNDS") != NULL) rounds = atoi(getenv("STRESS_ROUNDS"));
    char *out = NULL;
    if (wallet_keystore_open(argv[1], &ks) != WALLET_STATUS_OK) return 1;
    if (wallet_keystore_create(ks, "s", "pw", FAST_KDF, &out) != WALLET_STATUS_OK) return 1;
    wallet_string_free(out);
    expect(wallet_keystore_create(ks, "s", "pw", FAST_KDF, &out), WALLET_STATUS_ALREADY_EXISTS, "create twice");
    expect(wallet_keystore_create(ks, "weak", "pw", "{\"kdf_memory_kib\":256}", &out), WALLET_STATUS_WEAK_PARAMETERS, "weak kdf");
    if (wallet_keystore_unlock(ks, "s", "pw", 1, &w) != WALLET_STATUS_OK) return 1;
    if (strcmp(wallet_status_name(12345), "unknown") != 0 || strcmp(wallet_status_name(-1), "unknown") != 0)
        fail("a value outside WalletStatus must be named \"unknown\"");
    if (strcmp(wallet_status_name(WALLET_STATUS_WRONG_PASSWORD), "wrong_password") != 0) fail("status name");
    wallet_string_free(NULL);
    wallet_handle_free(NULL);
    wallet_keystore_free(NULL);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
#ifdef WALLET_DEBUG
    expect(wallet_test_panic(), WALLET_STATUS_INTERNAL, "caught panic");
    if (strstr(wallet_last_error_message(), "panic") == NULL) fail("the panic message is missing");
#endif
    wallet_handle_free(w);
    wallet_keystore_free(ks);
    printf("STRESS failures=%d\n", failures);
    return failures == 0 ? 0 : 1;
}
