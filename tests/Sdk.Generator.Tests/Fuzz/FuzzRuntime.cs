using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Generator.Tests.Infrastructure;
using Sdk.Runtime;
using Sdk.Runtime.Tests.Reference;

namespace Sdk.Generator.Tests.Fuzz;

/// <summary>
/// Runs a network that built on CPU chips, as a program would (<c>Model.Create(network, ChipSet.Cpu(n))</c>), and
/// compares its output with the reference interpreter's for the same parameters. A run may also refuse with a
/// named error (an SDK exception, or an argument or state error that names the network or a layer); a crash of
/// any other kind (null reference, index out of range, overflow) is a failure.
/// </summary>
internal static class FuzzRuntime
{
    public const int Batch = 2;

    /// <summary>Networks larger than this are not run: the sample stays fast.</summary>
    public static bool IsTiny(NetworkPlan plan) =>
        plan.Layers.Count <= 64 &&
        Shapes.Elements(plan.InputShape) <= 4096 &&
        plan.Layers.All(l => Shapes.Elements(l.OutputShape) <= 16384) &&
        plan.Layers.Sum(l => l.StoredElements) <= 200_000;

    /// <summary>Runs every tiny network of the build; returns the problems and how many networks ran.</summary>
    public static (List<string> Problems, int Ran) Check(FuzzCase fuzz, GeneratorHarness.Run run)
    {
        var problems = new List<string>();
        var ran = 0;
        IReadOnlyList<GeneratorHarness.LoadedNetwork> networks;
        try
        {
            networks = run.LoadNetworks();
        }
        catch (MissingMethodException)
        {
            return (problems, 0); // no parameterless constructor: the user's class, not the SDK's business
        }

        foreach (var network in networks)
        {
            NetworkPlan plan;
            try
            {
                plan = network.Plan;
            }
            catch (Exception e)
            {
                problems.Add($"{network.Type.Name}.Plan threw {(e.InnerException ?? e).GetType().Name}: {(e.InnerException ?? e).Message}");
                continue;
            }

            if (!IsTiny(plan))
            {
                continue;
            }

            var random = new Random(fuzz.Seed);
            var input = Enumerable.Range(0, Batch * (int)Shapes.Elements(plan.InputShape)).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
            var expected = new ReferenceInterpreter(plan, network.Parameters).Run(input, Batch);
            float[] actual;
            try
            {
                using var model = network.CreateModel(ChipSet.Cpu(plan.Chips.Count));
                actual = model.Run(input, Batch);
            }
            catch (Exception e) when (IsNamed(e, plan))
            {
                continue;
            }
            catch (Exception e)
            {
                problems.Add($"{plan.Name} on {plan.Chips.Count} CPU chips threw {e.GetType().Name} (not a named error): {e.Message}\n{e.StackTrace}");
                continue;
            }

            ran++;
            var error = Tolerance.MaxRelativeError(actual, expected);
            var bound = Bound(plan);
            if (!(error <= bound))
            {
                problems.Add($"{plan.Name} on {plan.Chips.Count} CPU chips differs from the reference interpreter: max relative error {error:G3} > {bound:G3}");
            }
        }

        return (problems, ran);
    }

    /// <summary>
    /// Float32 against the double-precision reference; looser where a cut rounds: a float32 sum that differs from
    /// the reference in its last bit can round to the neighbouring half or Int8 step, and later layers carry that on.
    /// </summary>
    private static double Bound(NetworkPlan plan) =>
        plan.Cuts.Any(c => c.Format == WireFormat.Int8) ? 5e-2
        : plan.Cuts.Any(c => c.Format is WireFormat.Float16 or WireFormat.BFloat16) ? 2e-2
        : 1e-3;

    /// <summary>An error the runtime means to throw: an SDK exception, or an argument or state error naming the network or a layer.</summary>
    private static bool IsNamed(Exception e, NetworkPlan plan) =>
        e.GetType().Namespace?.StartsWith("Sdk", StringComparison.Ordinal) == true ||
        (e is ArgumentException or InvalidOperationException or NotSupportedException &&
         e.GetType() != typeof(ArgumentNullException) && e.GetType() != typeof(ArgumentOutOfRangeException) &&
         (e.Message.Contains(plan.Name, StringComparison.Ordinal) || plan.Layers.Any(l => e.Message.Contains($"'{l.Name}'", StringComparison.Ordinal))));
}
