using System;

namespace Sdk.Runtime.Data
{
    /// <summary>
    /// Fisher-Yates shuffles driven by SplitMix64, so an order depends only on the seed, never on
    /// the .NET version (System.Random's sequences are not guaranteed across versions).
    /// </summary>
    internal static class SeededShuffle
    {
        public static void Shuffle(Span<int> items, ulong seed)
        {
            ulong state = seed;
            for (int i = items.Length - 1; i > 0; i--)
            {
                // Lemire's multiply-shift maps 64 random bits to [0, i] without a visible bias.
                int j = (int)Math.BigMul(Next(ref state), (ulong)(i + 1), out _);
                (items[i], items[j]) = (items[j], items[i]);
            }
        }

        /// <summary>Mixes a user seed and an epoch number into one well-spread 64-bit seed.</summary>
        public static ulong Combine(int seed, int epoch)
        {
            ulong state = ((ulong)(uint)seed << 32) | (uint)epoch;
            return Next(ref state);
        }

        private static ulong Next(ref ulong state)
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
