using AcsFunctions.Dispatch;
using AcsFunctions.Records;

namespace AcsFunctions.Tests.Dispatch;

public sealed class ColumnSetTests
{
    [Fact]
    public void Columns_KeepTheirTypesValuesAndOrder_WhateverTheSetsCapacity()
    {
        var columns = new ColumnSet(4)
            .Add("Int", 7)
            .Add("BigInt", 5000)
            .Add("NullInt", (int?)null)
            .Add("True", true)
            .Add("NullBool", (bool?)null)
            .Add("Long", FieldValue<long>.Of(3, "3"))
            .Add("Double", FieldValue<double>.Of(29, "29"))
            .Add("Fraction", FieldValue<double>.Of(0.5, "0.5"))
            .Add("Large", FieldValue<double>.Of(1024, "1024"))
            .Add("NegativeZero", FieldValue<double>.Of(-0.0, "-0"))
            .Add("Flag", FieldValue<bool>.Of(false, "false"))
            .Add("Text", "x")
            .Add("NullText", (string?)null)
            .Add("Object", Guid.Empty);

        Assert.Equal(
            ["Int", "BigInt", "True", "Long", "Double", "Fraction", "Large", "NegativeZero", "Flag", "Text", "Object"],
            columns.Select(c => c.Key));
        Assert.Equal(11, columns.Count);
        Assert.IsType<int>(columns.Get("Int"));
        Assert.Equal(7, columns.Get("Int"));
        Assert.Equal(5000, columns.Get("BigInt"));
        Assert.Equal(true, columns.Get("True"));
        Assert.IsType<long>(columns.Get("Long"));
        Assert.IsType<double>(columns.Get("Double"));
        Assert.Equal(29d, columns.Get("Double"));
        Assert.Equal(0.5, columns.Get("Fraction"));
        Assert.Equal(1024d, columns.Get("Large"));
        Assert.True(double.IsNegative((double)columns.Get("NegativeZero")!));
        Assert.Equal(false, columns.Get("Flag"));
        Assert.Equal(Guid.Empty, columns.Get("Object"));
    }

    [Fact]
    public void FieldsWithoutAValue_AddTheirRawTextOrRedactedFlag_OrNothing()
    {
        var columns = new ColumnSet()
            .Add("Duration", FieldValue<double>.Unconvertible("12a"))
            .Add("Start", FieldValue<DateTimeOffset>.Unconvertible("yesterday"))
            .Add("Count", new FieldValue<long>(FieldState.Redacted, default, "Redacted"))
            .Add("Id", new FieldValue<string>(FieldState.Redacted, null, "Redacted"))
            .Add("Missing", FieldValue<bool>.Absent);

        Assert.Equal(["DurationRaw", "StartRaw", "CountRedacted", "IdRedacted"], columns.Select(c => c.Key));
        Assert.Equal("12a", columns.Get("DurationRaw"));
        Assert.Equal("yesterday", columns.Get("StartRaw"));
        Assert.Equal(true, columns.Get("CountRedacted"));
    }

    [Fact]
    public void GrowingPastItsCapacity_KeepsEveryColumnInOrder_AndReleaseLeavesItEmpty()
    {
        // The array is pooled (issue 18): growth moves the columns to a larger pooled array; Release gives it back and
        // leaves the set empty, so a late reader sees nothing rather than another record's columns.
        var columns = new ColumnSet(4);
        for (var i = 0; i < 40; i++)
        {
            columns.Add("C" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), (int?)i);
        }

        Assert.Equal(40, columns.Count);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => "C" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)), columns.Select(c => c.Key));
        Assert.Equal(39, columns.Get("C39"));

        columns.Release();
        Assert.Equal(0, columns.Count);
        Assert.Empty(columns);
        Assert.Null(columns.Get("C0"));
        columns.Release(); // twice is harmless
        columns.Add("After", "x"); // and the set can still be filled
        Assert.Equal("x", columns.Get("After"));
    }

    [Fact]
    public void ReleasedArrays_AreNotSharedWithALiveSet()
    {
        // A set released and a new one made at once: the new one's columns never show the old one's.
        var first = new ColumnSet(8).Add("A", "first");
        first.Release();
        var second = new ColumnSet(8);
        Assert.Empty(second);
        second.Add("B", "second");
        Assert.Equal(["B"], second.Select(c => c.Key));
        Assert.Empty(first);
    }
}
