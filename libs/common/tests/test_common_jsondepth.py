from kamld_common.jsondepth import json_depth


def test_depth_counts_nested_objects_and_arrays():
    assert json_depth(1) == 0
    assert json_depth({}) == 1
    assert json_depth({"a": [1, {"b": 2}]}) == 3
    assert json_depth([[], [[[]]]]) == 4


def test_a_limit_stops_counting_just_past_it():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert json_depth(deep, 32) == 33
    assert json_depth({"a": {"b": 1}}, 32) == 2
