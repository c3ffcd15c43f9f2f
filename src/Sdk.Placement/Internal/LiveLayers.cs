namespace Sdk.Placement.Internal;

/// <summary>The layers one walk serves at the current ideal, each with the layer it extends.</summary>
internal sealed class LiveLayers
{
    public LiveLayers(int capacity)
    {
        Layer = new int[capacity];
        Previous = new int[capacity];
    }

    public int[] Layer { get; }

    public int[] Previous { get; }

    public int Count { get; private set; }

    public void Clear() => Count = 0;

    public void Add(int layer, int previous)
    {
        Layer[Count] = layer;
        Previous[Count] = previous;
        Count++;
    }
}
