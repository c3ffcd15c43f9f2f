using System;
using System.Linq;

namespace Sdk.Runtime.Tests.TestSupport
{
    /// <summary>Parameter sets and inputs for tests: seeded, with BatchNorm tensors away from their trivial defaults.</summary>
    public static class TestParameters
    {
        /// <summary>
        /// PyTorch-style initialisation from <paramref name="seed"/>, then every BatchNorm tensor randomised too (weight in
        /// [0.5, 1.5], bias and running mean in [-0.5, 0.5], running variance in [0.25, 2.25]) so BatchNorm is not the identity.
        /// </summary>
        public static ParameterSet Random(NetworkPlan plan, int seed)
        {
            var parameters = new ParameterSet(plan, seed);
            var random = new Random(seed + 1000);
            foreach (LayerInfo layer in plan.Layers.Where(l => l.Kind == LayerKind.BatchNorm))
            {
                Fill(parameters[$"{layer.Name}.weight"], random, 0.5, 1.5);
                Fill(parameters[$"{layer.Name}.bias"], random, -0.5, 0.5);
                Fill(parameters[$"{layer.Name}.running_mean"], random, -0.5, 0.5);
                Fill(parameters[$"{layer.Name}.running_var"], random, 0.25, 2.25);
            }

            return parameters;
        }

        /// <summary>
        /// Rounds every tensor of the layers <paramref name="fractionBits"/> names to a multiple of 2^-bits (layers it
        /// returns null for are left alone). With dyadic inputs too, sums of products are exact in float32 as long as they
        /// fit in 24 significant bits, so float32 and double compute the same values.
        /// </summary>
        public static void RoundToGrid(ParameterSet parameters, Func<LayerInfo, int?> fractionBits)
        {
            foreach (LayerInfo layer in parameters.Plan.Layers)
            {
                if (fractionBits(layer) is not int bits)
                {
                    continue;
                }

                foreach (ParameterInfo p in layer.Parameters)
                {
                    float[] data = parameters[p.Name];
                    for (int i = 0; i < data.Length; i++)
                    {
                        data[i] = OnGrid(data[i], bits);
                    }
                }
            }
        }

        /// <summary><paramref name="batch"/> samples of <paramref name="shape"/>, uniform in [-1, 1]; on a 2^-bits grid when given.</summary>
        public static float[] Input(int batch, System.Collections.Generic.IReadOnlyList<int> shape, int seed, int? fractionBits = null)
        {
            var random = new Random(seed);
            var data = new float[batch * Shapes.Elements(shape)];
            for (int i = 0; i < data.Length; i++)
            {
                float v = (2 * random.NextSingle()) - 1;
                data[i] = fractionBits is int bits ? OnGrid(v, bits) : v;
            }

            return data;
        }

        /// <summary>A copy of every tensor's values, to check later that nothing changed.</summary>
        public static System.Collections.Generic.Dictionary<string, float[]> Snapshot(ParameterSet parameters) =>
            parameters.Tensors.ToDictionary(t => t.Name, t => parameters[t.Name].ToArray());

        private static float OnGrid(float value, int bits) => (float)(Math.Round(value * Math.Pow(2, bits)) / Math.Pow(2, bits));

        private static void Fill(float[] data, Random random, double low, double high)
        {
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (float)(low + ((high - low) * random.NextDouble()));
            }
        }
    }
}
