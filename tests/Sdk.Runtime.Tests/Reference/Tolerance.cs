using System;

namespace Sdk.Runtime.Tests.Reference
{
    /// <summary>
    /// The one metric every comparison against the reference interpreter uses: the largest elementwise error,
    /// relative to the reference value but never to less than 1,
    /// <c>max_i |actual_i - expected_i| / max(1, |expected_i|)</c>: relative for large values, absolute for small ones
    /// (where a relative error would blow up near zero).
    /// </summary>
    public static class Tolerance
    {
        /// <summary>The bound for float32 computations (ONNX Runtime) against the double-precision reference.</summary>
        public const double Default = 1e-4;

        /// <summary>The metric; NaN or infinity anywhere gives infinity unless both sides agree exactly.</summary>
        public static double MaxRelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
        {
            if (actual.Length != expected.Length)
            {
                throw new ArgumentException($"Lengths differ: {actual.Length} actual values, {expected.Length} expected.");
            }

            double worst = 0;
            for (int i = 0; i < actual.Length; i++)
            {
                if (actual[i].Equals(expected[i]))
                {
                    continue;
                }

                double error = Math.Abs((double)actual[i] - expected[i]) / Math.Max(1, Math.Abs((double)expected[i]));
                worst = double.IsNaN(error) ? double.PositiveInfinity : Math.Max(worst, error);
            }

            return worst;
        }

        /// <summary>Asserts the metric is at most <paramref name="bound"/>, naming the worst element; returns the metric.</summary>
        public static double AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double bound = Default, string what = "values")
        {
            double error = MaxRelativeError(actual, expected);
            if (!(error <= bound))
            {
                int worst = 0;
                double worstError = -1;
                for (int i = 0; i < actual.Length; i++)
                {
                    double e = Math.Abs((double)actual[i] - expected[i]) / Math.Max(1, Math.Abs((double)expected[i]));
                    if (double.IsNaN(e) || e > worstError)
                    {
                        worst = i;
                        worstError = double.IsNaN(e) ? double.PositiveInfinity : e;
                    }
                }

                Assert.Fail($"{what}: max relative error {error:G3} > {bound:G3}; worst at [{worst}]: expected {expected[worst]:R}, actual {actual[worst]:R}.");
            }

            return error;
        }
    }
}
