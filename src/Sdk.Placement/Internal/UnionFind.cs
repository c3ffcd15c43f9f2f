namespace Sdk.Placement.Internal;

internal sealed class UnionFind
{
    private readonly int[] parent;

    public UnionFind(int count)
    {
        parent = new int[count];
        for (var i = 0; i < count; i++)
        {
            parent[i] = i;
        }
    }

    public int Find(int x)
    {
        while (parent[x] != x)
        {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }

        return x;
    }

    /// <summary>Joins the sets; the root of <paramref name="into"/> stays the root.</summary>
    public bool Union(int from, int into)
    {
        int a = Find(from), b = Find(into);
        if (a == b)
        {
            return false;
        }

        parent[a] = b;
        return true;
    }
}
