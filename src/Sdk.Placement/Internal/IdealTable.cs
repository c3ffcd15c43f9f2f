namespace Sdk.Placement.Internal;

/// <summary>
/// Open-addressing hash set of the ideals of one block, keyed by their local bitsets (stored in the builder). A
/// new table per block keeps it as small as the block's lattice.
/// </summary>
internal sealed class IdealTable
{
    private readonly IdealLatticeBuilder builder;
    private int[] slots;
    private int shift;
    private int count;

    public IdealTable(IdealLatticeBuilder builder)
    {
        this.builder = builder;
        slots = NewSlots(1 << 4);
        shift = 64 - 4;
    }

    /// <summary>The id of the ideal with these bits, or -1.</summary>
    public int Find(ulong[] key)
    {
        var mask = slots.Length - 1;
        for (var slot = Slot(key, 0); ; slot = (slot + 1) & mask)
        {
            var id = slots[slot];
            if (id < 0 || Matches(id, key))
            {
                return id;
            }
        }
    }

    /// <summary>Adds an id whose bits are already in the builder (and not yet in the table).</summary>
    public void Add(int id)
    {
        if ((count + 1) * 2 > slots.Length)
        {
            Grow();
        }

        Insert(id);
        count++;
    }

    private void Insert(int id)
    {
        var mask = slots.Length - 1;
        var slot = Slot(builder.Bits, (long)id * builder.Words);
        while (slots[slot] >= 0)
        {
            slot = (slot + 1) & mask;
        }

        slots[slot] = id;
    }

    private void Grow()
    {
        var old = slots;
        slots = NewSlots(old.Length * 2);
        shift--;
        foreach (var id in old)
        {
            if (id >= 0)
            {
                Insert(id);
            }
        }
    }

    private bool Matches(int id, ulong[] key)
    {
        var bits = builder.Bits;
        var offset = (long)id * builder.Words;
        for (var w = 0; w < builder.Words; w++)
        {
            if (bits[offset + w] != key[w])
            {
                return false;
            }
        }

        return true;
    }

    private int Slot(ulong[] source, long offset)
    {
        var hash = 0x243F6A8885A308D3UL;
        for (var w = 0; w < builder.Words; w++)
        {
            hash = (hash ^ source[offset + w]) * 0x9E3779B97F4A7C15UL;
            hash ^= hash >> 31;
        }

        return (int)(hash >> shift);
    }

    private static int[] NewSlots(int length)
    {
        var slots = new int[length];
        for (var i = 0; i < length; i++)
        {
            slots[i] = -1;
        }

        return slots;
    }
}
