namespace Sdk.Placement.Internal;

/// <summary>A Fenwick tree of sums over positions 0..Count-1: add at a position, sum of a prefix, both O(log n).</summary>
internal sealed class Fenwick
{
    private readonly double[] tree;

    public Fenwick(int count)
    {
        tree = new double[count + 1];
    }

    public void Add(int position, double amount)
    {
        for (var i = position + 1; i < tree.Length; i += i & -i)
        {
            tree[i] += amount;
        }
    }

    /// <summary>Sum over positions 0..<paramref name="last"/> (0 when last is negative).</summary>
    public double Prefix(int last)
    {
        var sum = 0.0;
        for (var i = last + 1; i > 0; i -= i & -i)
        {
            sum += tree[i];
        }

        return sum;
    }
}
