using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sdk.Runtime.Backends.Cpu
{
    internal static unsafe partial class PositionConv
    {
        /// <summary>
        /// The AVX-512 tile: 8 output positions x 32 output channels, 16 zmm accumulators + 2 weight vectors + 1
        /// broadcast (19 of 32 registers), the shape of <see cref="Kernel512x8x32"/>. Per tap: 2 aligned weight loads,
        /// 8 broadcasts and 16 FMAs, so the FMA pipes bound it, not the loads. 8 positions rather than 12 keep the 8
        /// input pointers and the loop's own in the 16 general registers (12 would spill them).
        /// </summary>
        internal static class Kernel512
        {
            public const int MR = 8;

            public const int NR = 32;

            /// <summary>
            /// Element (i, k) of A is src[bases[i] + taps[k]], broadcast; B is the packed 32-channel sliver. Adds the
            /// biases, clamps to [lo, hi] and stores the tile as [position][32]. The weights <paramref name="ahead"/> floats
            /// on are prefetched when <typeparamref name="TPrefetch"/> says so (<see cref="PrefetchAhead"/>).
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public static void Run<TPrefetch>(int kc, float* src, int* bases, int* taps, float* w, float* c, float* bias, float lo, float hi, nint ahead)
                where TPrefetch : struct, IWeightPrefetch
            {
                float* x0 = src + bases[0], x1 = src + bases[1], x2 = src + bases[2], x3 = src + bases[3];
                float* x4 = src + bases[4], x5 = src + bases[5], x6 = src + bases[6], x7 = src + bases[7];
                Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
                Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
                Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
                Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
                for (int* tap = taps, end = taps + kc; tap < end; tap++)
                {
                    nint off = *tap;
                    if (TPrefetch.Enabled)
                    {
                        Sse.Prefetch0(w + ahead);
                        Sse.Prefetch0(w + ahead + 16);
                    }

                    Vector512<float> w0 = Vector512.LoadAligned(w);
                    Vector512<float> w1 = Vector512.LoadAligned(w + 16);
                    Vector512<float> av = Vector512.Create(x0[off]);
                    c00 = Vector512.FusedMultiplyAdd(av, w0, c00);
                    c01 = Vector512.FusedMultiplyAdd(av, w1, c01);
                    av = Vector512.Create(x1[off]);
                    c10 = Vector512.FusedMultiplyAdd(av, w0, c10);
                    c11 = Vector512.FusedMultiplyAdd(av, w1, c11);
                    av = Vector512.Create(x2[off]);
                    c20 = Vector512.FusedMultiplyAdd(av, w0, c20);
                    c21 = Vector512.FusedMultiplyAdd(av, w1, c21);
                    av = Vector512.Create(x3[off]);
                    c30 = Vector512.FusedMultiplyAdd(av, w0, c30);
                    c31 = Vector512.FusedMultiplyAdd(av, w1, c31);
                    av = Vector512.Create(x4[off]);
                    c40 = Vector512.FusedMultiplyAdd(av, w0, c40);
                    c41 = Vector512.FusedMultiplyAdd(av, w1, c41);
                    av = Vector512.Create(x5[off]);
                    c50 = Vector512.FusedMultiplyAdd(av, w0, c50);
                    c51 = Vector512.FusedMultiplyAdd(av, w1, c51);
                    av = Vector512.Create(x6[off]);
                    c60 = Vector512.FusedMultiplyAdd(av, w0, c60);
                    c61 = Vector512.FusedMultiplyAdd(av, w1, c61);
                    av = Vector512.Create(x7[off]);
                    c70 = Vector512.FusedMultiplyAdd(av, w0, c70);
                    c71 = Vector512.FusedMultiplyAdd(av, w1, c71);
                    w += NR;
                }

                Vector512<float> b0 = Vector512.Load(bias), b1 = Vector512.Load(bias + 16);
                c00 += b0; c01 += b1; c10 += b0; c11 += b1; c20 += b0; c21 += b1; c30 += b0; c31 += b1;
                c40 += b0; c41 += b1; c50 += b0; c51 += b1; c60 += b0; c61 += b1; c70 += b0; c71 += b1;
                if (lo != float.NegativeInfinity || hi != float.PositiveInfinity)
                {
                    Vector512<float> vlo = Vector512.Create(lo), vhi = Vector512.Create(hi);
                    c00 = Activations.Clamp(c00, vlo, vhi); c01 = Activations.Clamp(c01, vlo, vhi);
                    c10 = Activations.Clamp(c10, vlo, vhi); c11 = Activations.Clamp(c11, vlo, vhi);
                    c20 = Activations.Clamp(c20, vlo, vhi); c21 = Activations.Clamp(c21, vlo, vhi);
                    c30 = Activations.Clamp(c30, vlo, vhi); c31 = Activations.Clamp(c31, vlo, vhi);
                    c40 = Activations.Clamp(c40, vlo, vhi); c41 = Activations.Clamp(c41, vlo, vhi);
                    c50 = Activations.Clamp(c50, vlo, vhi); c51 = Activations.Clamp(c51, vlo, vhi);
                    c60 = Activations.Clamp(c60, vlo, vhi); c61 = Activations.Clamp(c61, vlo, vhi);
                    c70 = Activations.Clamp(c70, vlo, vhi); c71 = Activations.Clamp(c71, vlo, vhi);
                }

                // The tile buffer is 64-byte aligned and a row is 128 bytes: aligned stores.
                c00.StoreAligned(c); c01.StoreAligned(c + 16); c10.StoreAligned(c + 32); c11.StoreAligned(c + 48);
                c20.StoreAligned(c + 64); c21.StoreAligned(c + 80); c30.StoreAligned(c + 96); c31.StoreAligned(c + 112);
                c40.StoreAligned(c + 128); c41.StoreAligned(c + 144); c50.StoreAligned(c + 160); c51.StoreAligned(c + 176);
                c60.StoreAligned(c + 192); c61.StoreAligned(c + 208); c70.StoreAligned(c + 224); c71.StoreAligned(c + 240);
            }
        }
    }
}
