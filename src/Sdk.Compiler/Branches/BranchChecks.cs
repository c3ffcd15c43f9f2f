using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>
/// The rules of declared branches (<c>[Branch(chip)]</c>). A <c>[Branch]</c> starts a branch: that layer and the
/// ones after it, until the next <c>[Branch]</c> or the merge, belong to it and run on its chip. The branches that
/// follow each other form one group, which ends at its merge: the first later layer with <c>[OnChip]</c>, a
/// <c>Concat</c> or <c>Add</c> that reads every branch of the group. A branch reads only the network input, its
/// own layers and the layers declared before the group; each branch of a group runs on its own chip. Works on
/// the spec (names, not shapes), so the rules hold whatever else is wrong.
/// </summary>
public static class BranchChecks
{
    public static void Check(NetworkSpec spec, List<CompilerDiagnostic> diagnostics)
    {
        if (!HasBranches(spec))
        {
            return;
        }

        var sources = Sources(spec);
        var branchOf = Enumerable.Repeat(-1, spec.Layers.Count).ToArray(); // the chip of a layer's branch, -1 outside branches
        var started = new Dictionary<int, int>(); // branch (chip) -> its first layer, for the open group
        var groupStart = -1;
        var current = -1;
        void Report(DiagnosticRule rule, int layer, LayerPart part, params object[] arguments) =>
            diagnostics.Add(CompilerDiagnostic.Create(rule, DiagnosticTarget.Layer(layer, part), arguments));

        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            if (layer.Branch is { } branch)
            {
                if (layer.OnChip is { } chip)
                {
                    Report(DiagnosticRules.InvalidBranches, i, LayerPart.OnChip, spec.Name,
                        $"layer '{layer.Name}' has [Branch({branch})] and [OnChip({chip})]; a branch runs on the chip its [Branch] names");
                }

                if (groupStart < 0)
                {
                    groupStart = i;
                    started.Clear();
                }

                if (started.TryGetValue(branch, out var first))
                {
                    Report(DiagnosticRules.InvalidBranches, i, LayerPart.Branch, spec.Name,
                        $"branch {branch} starts twice, at '{spec.Layers[first].Name}' and at '{layer.Name}'; each branch runs on its own chip");
                }
                else
                {
                    started[branch] = i;
                }

                current = branch;
                branchOf[i] = branch;
                CheckReads(spec, sources, i, current, groupStart, branchOf, diagnostics);
                continue;
            }

            if (groupStart < 0)
            {
                continue; // outside branches
            }

            var read = BranchesRead(sources[i], groupStart, branchOf);
            var merges = layer.Kind is LayerKind.Add or LayerKind.Concat;
            if (layer.OnChip is not null)
            {
                // The merge: it closes the group.
                if (!merges)
                {
                    Report(DiagnosticRules.InvalidBranches, i, LayerPart.Attribute, spec.Name,
                        $"'{layer.Name}' ends the branches from '{spec.Layers[groupStart].Name}' (it has [OnChip]) but is a {layer.Kind} layer; branches merge in a Concat or Add");
                }

                foreach (var missed in started.Where(b => !read.Contains(b.Key)).OrderBy(b => b.Key))
                {
                    Report(DiagnosticRules.InvalidBranches, i, LayerPart.Attribute, spec.Name,
                        $"the merge '{layer.Name}' reads no layer of branch {missed.Key} (from '{spec.Layers[missed.Value].Name}'); a merge reads every branch");
                }

                groupStart = -1;
                current = -1;
                continue;
            }

            if (merges && read.Count >= 2)
            {
                // A merge in all but its chip: without [OnChip] it would run inside the branch declared last.
                Report(DiagnosticRules.MergeOnNoChip, i, LayerPart.Attribute, $"Layer '{layer.Name}'", string.Join(", ", read.OrderBy(b => b)),
                    $"give it [OnChip(n)]; without it, it would run inside branch {current}, on chip {current}");
                groupStart = -1;
                current = -1;
                continue;
            }

            branchOf[i] = current;
            CheckReads(spec, sources, i, current, groupStart, branchOf, diagnostics);
        }

        if (groupStart >= 0)
        {
            Report(DiagnosticRules.InvalidBranches, groupStart, LayerPart.Branch, spec.Name,
                $"the branches from '{spec.Layers[groupStart].Name}' never merge; end them with a Concat or Add that has [OnChip] and reads every branch");
        }
    }

    /// <summary>True when some layer starts a branch: such a network is placed by its branches.</summary>
    public static bool HasBranches(NetworkSpec spec) => spec.Layers.Any(l => l.Branch is not null);

    /// <summary>A layer of branch <paramref name="branch"/> reads no layer of another branch of its group.</summary>
    private static void CheckReads(NetworkSpec spec, int[][] sources, int i, int branch, int groupStart, int[] branchOf, List<CompilerDiagnostic> diagnostics)
    {
        foreach (var source in sources[i])
        {
            if (source >= groupStart && branchOf[source] >= 0 && branchOf[source] != branch)
            {
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.BranchesTouch, DiagnosticTarget.Layer(i),
                    spec.Layers[i].Name, branch, spec.Layers[source].Name, branchOf[source]));
            }
        }
    }

    /// <summary>The branches of the open group that a layer reading <paramref name="sources"/> reads.</summary>
    private static HashSet<int> BranchesRead(int[] sources, int groupStart, int[] branchOf) =>
        new(sources.Where(s => s >= groupStart && branchOf[s] >= 0).Select(s => branchOf[s]));

    /// <summary>
    /// Per layer, the declared layers it reads, by name, each once; the input and unknown or later names (the
    /// resolver reports those) left out.
    /// </summary>
    private static int[][] Sources(NetworkSpec spec)
    {
        var indexOf = new Dictionary<string, int>(System.StringComparer.Ordinal);
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            indexOf[spec.Layers[i].Name] = indexOf.TryGetValue(spec.Layers[i].Name, out var first) ? first : i;
        }

        return spec.Layers.Select((layer, i) => layer.Inputs
            .Select(name => name == LayerSpec.Previous ? i - 1 : indexOf.TryGetValue(name, out var source) ? source : -1)
            .Where(source => source >= 0 && source < i)
            .Distinct()
            .ToArray()).ToArray();
    }
}
