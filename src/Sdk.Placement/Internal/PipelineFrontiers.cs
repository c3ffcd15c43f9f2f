using System;

namespace Sdk.Placement.Internal;

/// <summary>
/// The frontier at every position s of a <see cref="PipelineProblem"/>: the nodes before s whose output some node at
/// or after s reads, ascending. A run starting at s receives (some of) these tensors, and where they live is all the
/// state the pipeline DP needs besides s and the last chip used.
/// </summary>
internal sealed class PipelineFrontiers
{
    private readonly int[] start;
    private readonly int[] items;

    public PipelineFrontiers(PipelineProblem problem)
    {
        var n = problem.NodeCount;
        var lastUse = new int[n];
        for (var t = 0; t < n; t++)
        {
            lastUse[t] = -1;
        }

        for (var j = 0; j < n; j++)
        {
            foreach (var t in problem.Inputs[j])
            {
                if (t >= 0)
                {
                    lastUse[t] = j;
                }
            }
        }

        start = new int[n + 2];
        var all = new GrowableArray<int>(n);
        var open = new GrowableArray<int>();
        for (var s = 0; s <= n; s++)
        {
            // The frontier at s: the one at s - 1 without the tensors last read at s - 1, plus s - 1 if read later.
            var kept = 0;
            for (var i = 0; i < open.Count; i++)
            {
                if (lastUse[open.Items[i]] >= s)
                {
                    open.Items[kept++] = open.Items[i];
                }
            }

            open.Truncate(kept);
            if (s > 0 && lastUse[s - 1] >= s)
            {
                open.Add(s - 1);
            }

            start[s] = all.Count;
            for (var i = 0; i < open.Count; i++)
            {
                all.Add(open.Items[i]);
            }
        }

        start[n + 1] = all.Count;
        items = all.ToArray();
    }

    public ReadOnlySpan<int> At(int position) => new(items, start[position], start[position + 1] - start[position]);

    public int Size(int position) => start[position + 1] - start[position];
}
