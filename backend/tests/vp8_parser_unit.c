/* vp8-parser-unit: the driver's VP8 header parser on known and malformed input, and the
 * simdev engine on malformed controls (no crash, clean errors).
 *   vp8-parser-unit VECTOR.ivf      (a keyframe-first VP8 IVF file, e.g. vp80-00-comprehensive-001) */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ivf.h"
#include "sim_vp8.h"
#include "vp8_parser.h"

static int failures;

static uint32_t rng = 12345;
static uint32_t rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

int main(int argc, char **argv)
{
    struct vp8_parser_state st;
    struct vp8_frame_info fi;
    char err[200];
    if (argc < 2) {
        fprintf(stderr, "usage: vp8-parser-unit FILE.ivf\n");
        return 2;
    }

    /* malformed frames */
    vp8_parser_init(&st);
    CHECK(vp8_parse_frame(&st, NULL, 0, &fi, err, sizeof(err)) < 0, "NULL frame accepted");
    const uint8_t tiny[2] = {0x10, 0x02};
    CHECK(vp8_parse_frame(&st, tiny, sizeof(tiny), &fi, err, sizeof(err)) < 0, "2 bytes accepted");
    const uint8_t nostart[10] = {0x50, 0x01, 0x00, 0x00, 0x00, 0x00, 0xb0, 0x00, 0x90, 0x00};
    CHECK(vp8_parse_frame(&st, nostart, sizeof(nostart), &fi, err, sizeof(err)) < 0,
          "keyframe without start code accepted");
    const uint8_t inter[8] = {0x31, 0x00, 0x00, 0, 0, 0, 0, 0};
    CHECK(vp8_parse_frame(&st, inter, sizeof(inter), &fi, err, sizeof(err)) < 0,
          "inter frame before a keyframe accepted");
    /* keyframe whose first partition size exceeds the frame */
    uint8_t big[16] = {0x00, 0xff, 0xff, 0x9d, 0x01, 0x2a, 0xb0, 0x00, 0x90, 0x00};
    CHECK(vp8_parse_frame(&st, big, sizeof(big), &fi, err, sizeof(err)) < 0,
          "first partition larger than the frame accepted");

    /* a real keyframe: known answers, then every truncation and random corruption */
    struct ivf_file ivf;
    if (ivf_open(&ivf, argv[1], err, sizeof(err)) < 0) {
        fprintf(stderr, "%s: %s\n", argv[1], err);
        return 2;
    }
    const uint8_t *data;
    size_t size;
    CHECK(ivf_next(&ivf, &data, &size) == 1, "no first frame");
    vp8_parser_init(&st);
    int r = vp8_parse_frame(&st, data, size, &fi, err, sizeof(err));
    CHECK(r == 0, "first frame: %s", err);
    CHECK(fi.key && fi.width == ivf.width && fi.height == ivf.height,
          "first frame: key %d size %ux%u, IVF says %ux%u", fi.key, fi.width, fi.height,
          ivf.width, ivf.height);
    CHECK(fi.ctrl.coder_state.range >= 128 && fi.ctrl.coder_state.value < fi.ctrl.coder_state.range,
          "coder state range %u value %u", fi.ctrl.coder_state.range, fi.ctrl.coder_state.value);
    CHECK(fi.ctrl.first_part_header_bits > 0 &&
          fi.ctrl.first_part_header_bits < fi.first_part_size * 8u,
          "header bits %u of a %u-byte partition", fi.ctrl.first_part_header_bits,
          fi.first_part_size);
    CHECK(fi.ctrl.num_dct_parts >= 1 && fi.ctrl.num_dct_parts <= 8, "%u partitions",
          fi.ctrl.num_dct_parts);
    uint64_t sum = 10 + fi.first_part_size + 3 * (fi.num_dct_parts - 1);
    for (unsigned i = 0; i < fi.num_dct_parts; i++)
        sum += fi.dct_part_sizes[i];
    CHECK(sum == size, "partition sizes add up to %llu, frame is %zu", (unsigned long long)sum,
          size);
    uint8_t *copy = malloc(size);
    if (!copy)
        return 2;
    for (size_t cut = 0; cut < size; cut += 1 + cut / 8) {
        vp8_parser_init(&st);
        memcpy(copy, data, cut);
        vp8_parse_frame(&st, copy, cut, &fi, err, sizeof(err)); /* must not crash */
        if (cut < 10)
            CHECK(vp8_parse_frame(&st, copy, cut, &fi, err, sizeof(err)) < 0,
                  "truncated keyframe (%zu bytes) accepted", cut);
    }

    /* the engine on corrupted controls: never crashes, fails or decodes */
    struct sim_vp8 *e = sim_vp8_create();
    CHECK(e != NULL, "engine");
    unsigned aw = (ivf.width + 15) & ~15u, ah = (ivf.height + 15) & ~15u;
    uint8_t *pic = calloc(1, (size_t)aw * ah * 3 / 2);
    if (!e || !pic)
        return 2;
    struct sim_vp8_pic dst = {{pic, (size_t)aw * ah, aw}, {pic + (size_t)aw * ah, (size_t)aw * ah / 2, aw}, 0, 0};
    for (int it = 0; it < 2000; it++) {
        vp8_parser_init(&st);
        if (vp8_parse_frame(&st, data, size, &fi, err, sizeof(err)) < 0)
            break;
        uint8_t *c = (uint8_t *)&fi.ctrl;
        for (int k = 0; k < 1 + it % 4; k++)
            c[rnd() % sizeof(fi.ctrl)] ^= (uint8_t)(1u << (rnd() % 8));
        memcpy(copy, data, size);
        if (it % 2)
            copy[rnd() % size] ^= (uint8_t)rnd();
        sim_vp8_decode(e, &fi.ctrl, copy, size, NULL, &dst, err, sizeof(err));
    }
    /* a missing reference fails an inter frame cleanly */
    if (ivf_next(&ivf, &data, &size) == 1) {
        vp8_parser_init(&st);
        const uint8_t *k0;
        size_t k0s;
        ivf_close(&ivf);
        ivf_open(&ivf, argv[1], err, sizeof(err));
        ivf_next(&ivf, &k0, &k0s);
        vp8_parse_frame(&st, k0, k0s, &fi, err, sizeof(err));
        CHECK(sim_vp8_decode(e, &fi.ctrl, k0, k0s, NULL, &dst, err, sizeof(err)) == 0,
              "keyframe: %s", err);
        ivf_next(&ivf, &data, &size);
        if (vp8_parse_frame(&st, data, size, &fi, err, sizeof(err)) == 0 && !fi.key) {
            const struct sim_vp8_pic *none[3] = {NULL, NULL, NULL};
            CHECK(sim_vp8_decode(e, &fi.ctrl, data, size, none, &dst, err, sizeof(err)) < 0,
                  "inter frame without references decoded");
        }
    }
    sim_vp8_destroy(e);
    free(pic);
    free(copy);
    ivf_close(&ivf);
    return check_exit("vp8-parser-unit", failures);
}
