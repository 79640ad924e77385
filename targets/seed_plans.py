"""The two seed plans of targets/seeds/, every quantified target with its source sentence."""

from datetime import date

# Each target: indicator, scope, shape, direction, operator, value, value_max, value_unit, source, extras
SOC_TRANG_2020 = {
    "province": "94",
    "title": "Kế hoạch thực hiện Chương trình mục tiêu quốc gia Giảm nghèo bền vững năm 2020",
    "document_number": "",
    "signed_on": None,
    "signer": "UBND tỉnh Sóc Trăng",
    "year_start": 2020,
    "year_end": 2020,
    "standard": "QD59-2015",
    "source_file": "soc-trang-2020-plan.txt",
    "targets": [
        dict(indicator="poor_rate", shape="change", direction="decrease", operator="between", value=2, value_max=3,
             value_unit="points", baseline_year=2019,
             source="Phấn đấu giảm tỷ lệ hộ nghèo từ 2% - 3%/năm"),
        dict(indicator="poor_rate", scope="khmer", shape="change", direction="decrease", operator="between", value=3,
             value_max=4, value_unit="points", baseline_year=2019,
             source="trong đó, giảm tỷ lệ hộ nghèo dân tộc Khmer từ 3% - 4%/năm"),
        dict(indicator="workers_trained", shape="count", operator="gte", value=13000, value_unit="count",
             source="Đào tạo nghề cho 13.000 lao động"),
        dict(indicator="jobs_found", shape="count", operator="gte", value=26000, value_unit="count",
             source="giải quyết việc làm 26.000 lao động"),
        dict(indicator="workers_abroad", shape="count", operator="gte", value=300, value_unit="count",
             source="trong đó, xuất khẩu lao động 300 người"),
        dict(indicator="urban_unemployment_rate", scope="urban", shape="level", operator="lt", value=3,
             value_unit="percent",
             source="góp phần giảm tỷ lệ thất nghiệp khu vực thành thị còn dưới 3% vao cuối nam 2020"),
        dict(indicator="staff_trained_share", shape="coverage", operator="gte", value=100, value_unit="percent",
             source="Trong năm, có 100% cán bộ làm công tác lao động - việc làm và giảm nghèo các cấp được tham gia "
                    "tập huấn, đào tạo, bồi dưỡng nghiệp vụ."),
        dict(indicator="poor_temporary_housing", shape="level", operator="lt", value=40, value_unit="percent",
             source="Phấn đấu đến cuối năm 2020: Tỷ lệ hộ nghèo ở nhà tạm dưới 40%"),
        dict(indicator="trained_labour_share", shape="level", operator="gt", value=59, value_unit="percent",
             source="Tỷ lệ lao động qua đào tạo đạt trên 59%"),
        dict(indicator="vocational_labour_share", shape="level", operator="gt", value=54, value_unit="percent",
             source="trong đó, lao động qua đào tạo nghề đạt trên 54%"),
        dict(indicator="poor_health_insurance", shape="coverage", operator="gte", value=100, value_unit="percent",
             source="100% người thuộc hộ nghèo ... được cấp thẻ bảo hiểm y tế theo quy định"),
        dict(indicator="near_poor_health_insurance", shape="coverage", operator="gte", value=100, value_unit="percent",
             source="100% người thuộc hộ cận nghèo được cấp thẻ bảo hiểm y tế theo quy định"),
        dict(indicator="poor_hygienic_water", shape="coverage", operator="gte", value=80, value_unit="percent",
             source="80% hộ nghèo được sử dụng nước sinh hoạt hợp vệ sinh"),
        dict(indicator="poor_hygienic_latrine", shape="coverage", operator="gte", value=80, value_unit="percent",
             source="80% hộ nghèo được sử dụng ... hố xí hợp vệ sinh"),
        dict(indicator="poor_telecom", shape="coverage", operator="gte", value=90, value_unit="percent",
             source="Có 90% số hộ nghèo tiếp cận dịch vụ viễn thông"),
        dict(indicator="poor_information_assets", shape="coverage", operator="gte", value=90, value_unit="percent",
             source="90% hộ nghèo có tài sản phục vụ tiếp cận viễn thông"),
        dict(indicator="communes_infrastructure_share", scope="difficult_communes", shape="level", operator="gt",
             value=90, value_unit="percent",
             source="Có trên 90% xã đặc biệt khó khăn, xã bãi ngang, ven biển và hải đảo được đầu tư xây dựng công "
                    "trình cơ sở hạ tầng thiết yếu theo quy định."),
    ],
}

_SON_LA_DIMENSION_SOURCE = (
    "Tỉnh cũng đưa ra 6 chỉ tiêu giải quyết mức độ thiếu hụt các dịch vụ xã hội cơ bản, trong đó gồm Chiều thiếu "
    "hụt về việc làm; chiều thiếu hụt về y tế; chiều thiếu hụt về giáo dục; chiều thiếu hụt về nhà ở; chiều thiếu "
    "hụt về nước sinh hoạt và vệ sinh; chiều thiếu hụt về thông tin."
)

SON_LA_2022 = {
    "province": "14",
    "title": "Kế hoạch thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững năm 2022",
    "document_number": "287/KH-UBND",
    "signed_on": date(2021, 12, 1),
    "signer": "Tráng Thị Xuân, Phó Chủ tịch Thường trực UBND tỉnh Sơn La",
    "year_start": 2022,
    "year_end": 2022,
    "standard": "ND07-2021",
    "source_file": "son-la-2022-plan.txt",
    "targets": [
        dict(indicator="poor_rate", shape="level", operator="lte", value="18.66", value_unit="percent",
             source="tỉnh Sơn La đặt mục tiêu năm 2022 giảm tỷ lệ hộ nghèo xuống còn 18,66%"),
        dict(indicator="poor_rate", scope="ethnic_minority", shape="change", direction="decrease", operator="gt",
             value=3, value_unit="points", baseline_year=2021,
             source="giảm tỷ lệ hộ nghèo dân tộc thiểu số trên 3%"),
        dict(indicator="poor_rate", scope="poor_districts", shape="change", direction="decrease", operator="between",
             value=4, value_max=5, value_unit="points", baseline_year=2021,
             source="giảm tỷ lệ hộ nghèo của các huyện nghèo từ 4-5%"),
        dict(indicator="jobs_found", shape="count", operator="gte", value=25000, value_unit="count",
             share_indicator="job_placements_poor_share", share_operator="gt", share_value=50,
             source="Hỗ trợ kết nối việc làm thành công cho khoảng 25.000 lao động, trong đó có trên 50% người lao động "
                    "thuộc hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo ở vùng nghèo, vùng khó khăn"),
        dict(indicator="poor_near_poor_steady_work", shape="coverage", operator="gte", value=100, value_unit="percent",
             note="Kế hoạch không ghi con số; hiểu là tất cả hộ nghèo, hộ cận nghèo (100%).",
             source="hỗ trợ hộ nghèo, hộ cận nghèo có ít nhất một thành viên trong độ tuổi lao động có việc làm bền vững"),
        dict(indicator="workers_trained", scope="poor_districts", shape="count", operator="gte", value=4000,
             value_unit="count", source="hỗ trợ đào tạo 4.000 người lao động thuộc các huyện nghèo"),
        dict(indicator="workers_abroad", scope="poor_districts", shape="count", operator="gte", value=40,
             value_unit="count",
             source="hỗ trợ 40 lao động thuộc các huyện nghèo đi làm việc ở nước ngoài theo hợp đồng"),
        *[
            dict(indicator=f"dimension_{dimension}", shape="change", direction="decrease", operator="gt", value=0,
                 value_unit="points", baseline_year=2021, source=_SON_LA_DIMENSION_SOURCE,
                 note="Kế hoạch không ghi mức giảm; đạt khi tỷ lệ hộ thiếu hụt giảm so với năm gốc.")
            for dimension in ("employment", "health", "education", "housing", "water_sanitation", "information")
        ],
    ],
}

SEED_PLANS = [SOC_TRANG_2020, SON_LA_2022]
