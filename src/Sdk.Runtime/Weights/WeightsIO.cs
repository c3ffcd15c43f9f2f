using System;
using System.Collections.Generic;
using System.Linq;

namespace Sdk.Runtime.Weights
{
    /// <summary>
    /// Loads and saves a network's <see cref="ParameterSet"/> as a safetensors file whose tensor names are the plan's
    /// (<c>Conv1.weight</c>, <c>Bn1.running_var</c>, <c>Conv2.encoder.bias</c>, ...), PyTorch state-dict style.
    /// </summary>
    /// <example>
    /// <code>
    /// var net = new FashionNet();
    /// net.Parameters.Load("fashion.safetensors");          // validated against FashionNet.Plan
    /// net.Parameters.Save("copy.safetensors", WireDtype.BF16);
    /// </code>
    /// </example>
    public static class WeightsIO
    {
        private const string BatchesTrackedSuffix = ".num_batches_tracked";

        /// <summary>
        /// Replaces every tensor of <paramref name="parameters"/> with the one of the same name in the safetensors file at
        /// <paramref name="path"/>. The file must hold every tensor of the plan with exactly its shape, as F32, F16 or BF16;
        /// tensors the plan does not have are an error unless <paramref name="allowExtra"/> (PyTorch's BatchNorm
        /// <c>num_batches_tracked</c> counters are always ignored). Everything is validated before anything is copied, so
        /// a failed load leaves the parameters as they were.
        /// </summary>
        /// <exception cref="WeightsFormatException">
        /// The file is not valid safetensors, or does not fit the plan; the message names the file and the tensors at fault
        /// (expected and actual shape or dtype, every missing or unexpected name).
        /// </exception>
        /// <exception cref="System.IO.FileNotFoundException">No file at <paramref name="path"/>.</exception>
        public static void Load(this ParameterSet parameters, string path, bool allowExtra = false)
        {
            ArgumentNullException.ThrowIfNull(parameters);
            ArgumentException.ThrowIfNullOrEmpty(path);
            parameters.Load(SafeTensorsFile.Read(path), allowExtra);
        }

        /// <summary>Replaces every tensor of <paramref name="parameters"/> with the file's; see <see cref="Load(ParameterSet, string, bool)"/>.</summary>
        /// <exception cref="WeightsFormatException">The file does not fit the plan.</exception>
        public static void Load(this ParameterSet parameters, SafeTensorsFile file, bool allowExtra = false)
        {
            ArgumentNullException.ThrowIfNull(parameters);
            ArgumentNullException.ThrowIfNull(file);

            var entries = file.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
            var problems = new List<(string Tensor, string Problem)>();
            var missing = new List<string>();
            var accepted = new List<ParameterInfo>();
            foreach (ParameterInfo info in parameters.Tensors)
            {
                if (!entries.TryGetValue(info.Name, out SafeTensorsEntry? entry))
                {
                    missing.Add(info.Name);
                }
                else if (entry.Dtype is not (WireDtype.F32 or WireDtype.F16 or WireDtype.BF16))
                {
                    problems.Add((info.Name, $"tensor '{info.Name}' is stored as {entry.Dtype.HeaderName()}; weights must be F32, F16 or BF16"));
                }
                else if (!entry.Shape.AsSpan().SequenceEqual(info.Shape.AsSpan()))
                {
                    problems.Add((info.Name, $"tensor '{info.Name}' has shape {Shapes.Format(entry.Shape)}, expected {Shapes.Format(info.Shape)}"));
                }
                else
                {
                    accepted.Add(info);
                }
            }

            var extra = allowExtra
                ? new List<string>()
                : file.Names.Where(n => !parameters.Contains(n) && !IsBatchesTrackedCounter(parameters.Plan, n)).ToList();

            if (problems.Count > 0 || missing.Count > 0 || extra.Count > 0)
            {
                var parts = problems.Select(p => p.Problem).ToList();
                if (missing.Count > 0)
                {
                    parts.Add($"{Count(missing.Count, "tensor")} of the plan {(missing.Count == 1 ? "is" : "are")} missing: {string.Join(", ", missing)}");
                }

                if (extra.Count > 0)
                {
                    parts.Add($"{Count(extra.Count, "tensor")} in the file {(extra.Count == 1 ? "is" : "are")} not in the plan: {string.Join(", ", extra)} (load with allowExtra: true to ignore them)");
                }

                string first = problems.Count > 0 ? problems[0].Tensor : missing.Count > 0 ? missing[0] : extra[0];
                throw WeightsFormatException.PlanMismatch(file.FilePath, parameters.Plan.Name, first, string.Join("; ", parts) + ".");
            }

            // Decode everything first: only then does any value of the set change.
            var values = accepted.Select(info => file.Get(info.Name).Data).ToList();
            for (int i = 0; i < accepted.Count; i++)
            {
                values[i].CopyTo(parameters[accepted[i].Name], 0);
            }
        }

        /// <summary>
        /// Writes every tensor of <paramref name="parameters"/> to a safetensors file as <paramref name="dtype"/> (F32, F16 or
        /// BF16; the 16-bit formats round to nearest even), with metadata <c>format = pt</c>. The file is written to a
        /// temporary sibling and renamed over <paramref name="path"/>, so a failed save leaves any previous file intact.
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="dtype"/> is an integer type.</exception>
        public static void Save(this ParameterSet parameters, string path, WireDtype dtype = WireDtype.F32)
        {
            ArgumentNullException.ThrowIfNull(parameters);
            ArgumentException.ThrowIfNullOrEmpty(path);
            if (dtype is not (WireDtype.F32 or WireDtype.F16 or WireDtype.BF16))
            {
                throw new ArgumentException($"Weights are saved as F32, F16 or BF16, not {dtype.HeaderName()}.", nameof(dtype));
            }

            var tensors = parameters.Tensors.Select(t => new NamedTensor(t.Name, t.Shape.ToArray(), parameters[t.Name]));
            var metadata = new Dictionary<string, string> { ["format"] = "pt" };
            SafeTensorsFile.Write(path, tensors, dtype, metadata);
        }

        // PyTorch's BatchNorm keeps a batch counter in its state dict; it has no role in inference and no place in the plan.
        private static bool IsBatchesTrackedCounter(NetworkPlan plan, string name)
        {
            if (!name.EndsWith(BatchesTrackedSuffix, StringComparison.Ordinal))
            {
                return false;
            }

            string layer = name[..^BatchesTrackedSuffix.Length];
            return plan.Layers.Any(l => l.Kind == LayerKind.BatchNorm && l.Name == layer);
        }

        private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
    }
}
