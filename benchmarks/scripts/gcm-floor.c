/*
 * The C floor of SRTP AEAD_AES_128_GCM per packet (issue 13): what OpenSSL alone costs to protect one RTP
 * packet in place on this machine, with the key schedule done once and only the IV set per packet, as
 * javameet's GcmRtpContext drives the same library through jitsi-srtp's JNI binding.
 * Per op: EVP_EncryptInit_ex (new IV), the header as AAD, the payload encrypted in place, final, the tag.
 *
 * usage: benchmarks/scripts/gcm-floor.sh   (compiles this with -O2 -lcrypto and runs it)
 *        gcm-floor PACKET_BYTES HEADER_BYTES   -> best of 5 one-second runs, ns per packet
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    int size = argc > 1 ? atoi(argv[1]) : 1200;
    int header = argc > 2 ? atoi(argv[2]) : 24;
    unsigned char key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    unsigned char iv[12] = {0};
    unsigned char packet[2048], tag[16];
    memset(packet, 0xab, sizeof packet);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, key, iv)) return 1;
    double best = 1e30;
    unsigned long seq = 0;
    for (int run = 0; run < 5; run++) {
        long ops = 0;
        double start = now(), end;
        do {
            for (int i = 0; i < 1000; i++, seq++) {
                int len;
                iv[10] = (unsigned char) (seq >> 8);
                iv[11] = (unsigned char) seq;
                EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, iv);
                EVP_EncryptUpdate(ctx, NULL, &len, packet, header);
                EVP_EncryptUpdate(ctx, packet + header, &len, packet + header, size - header);
                EVP_EncryptFinal_ex(ctx, packet + size, &len);
                EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag);
            }
            ops += 1000;
            end = now();
        } while (end - start < 1.0);
        double ns = (end - start) * 1e9 / ops;
        if (ns < best) best = ns;
    }
    printf("%d-byte packet (%d-byte header): %.0f ns per protect (best of 5 one-second runs)\n", size, header, best);
    EVP_CIPHER_CTX_free(ctx);
    return 0;
}
